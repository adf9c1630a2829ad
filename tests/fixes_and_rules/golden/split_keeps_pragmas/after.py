from app.ws.manager import helper  # noqa: F401
from app.ws.ssot import SSOTManager as WSManager  # noqa: F401
from app.legacy.notifier import NOTE
from app.services.bridge import Notifier  # the old ones

value = (WSManager, Notifier, NOTE)
