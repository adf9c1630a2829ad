from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.ws.manager import WSManager
else:
	from app.legacy.notifier import Notifier


def build(manager: "WSManager"):
    return manager
