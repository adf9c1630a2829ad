from app.ws.manager import WSManager as Manager
from app.legacy.notifier import Notifier as N

manager = Manager()
notifier = N()
