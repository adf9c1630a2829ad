from app.ws.ssot import SSOTManager as WSManager
from ..legacy import notifier
from app.services.bridge import Notifier

manager = WSManager(Notifier(), notifier)
