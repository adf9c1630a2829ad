from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.ws.ssot import SSOTManager as WSManager
else:
	from app.services.bridge import Notifier


def build(manager: "WSManager"):
    return manager
