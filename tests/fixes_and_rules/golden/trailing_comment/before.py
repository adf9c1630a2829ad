from app.ws.manager import WSManager  # the legacy manager
import pkg.old_utils  # utilities

value = (WSManager, pkg.old_utils.run())
