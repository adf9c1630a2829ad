from app.ws.manager import \
    WSManager
from app.legacy.notifier \
    import Notifier as N

value = (WSManager, N)
