from app.ws.manager import helper, WSManager  # noqa: F401
from app.legacy.notifier import Notifier, NOTE  # the old ones

value = (WSManager, Notifier, NOTE)
