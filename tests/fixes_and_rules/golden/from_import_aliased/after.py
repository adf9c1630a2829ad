from app.ws.ssot import SSOTManager as Manager
from app.services.bridge import Notifier as N

manager = Manager()
notifier = N()
