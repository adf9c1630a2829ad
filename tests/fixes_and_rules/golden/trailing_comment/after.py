from app.ws.ssot import SSOTManager as WSManager  # the legacy manager
import pkg.new_utils  # utilities

value = (WSManager, pkg.new_utils.run())
