from app.ws.manager import helper, WSManager, OTHER

helper(WSManager, OTHER)
