from app.ws.manager import helper, OTHER
from app.ws.ssot import SSOTManager as WSManager

helper(WSManager, OTHER)
