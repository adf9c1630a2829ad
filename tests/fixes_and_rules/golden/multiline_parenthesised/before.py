from app.ws.manager import (
    WSManager,
    helper,  # keep me
)
from app.legacy.notifier import (
    Notifier,
)

helper(WSManager, Notifier)
