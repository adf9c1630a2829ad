from app.services.bridge import Notifier
from app.ws.ssot import SSOTManager as WSManager
import pkg.new_utils

value = (Notifier, WSManager, pkg.new_utils.run(), pkg.new_utils.run())
