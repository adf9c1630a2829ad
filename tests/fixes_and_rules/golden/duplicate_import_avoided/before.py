from app.services.bridge import Notifier
from app.legacy.notifier import Notifier
from app.ws.ssot import SSOTManager as WSManager
from app.ws.manager import WSManager
import pkg.new_utils
import pkg.old_utils

value = (Notifier, WSManager, pkg.old_utils.run(), pkg.new_utils.run())
