from ..ws.manager import WSManager
from ..legacy import notifier
from ..legacy.notifier import Notifier

manager = WSManager(Notifier(), notifier)
