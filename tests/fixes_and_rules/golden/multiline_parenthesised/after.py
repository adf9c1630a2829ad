from app.ws.manager import (
    helper,  # keep me
)
from app.ws.ssot import SSOTManager as WSManager
from app.services.bridge import (
    Notifier,
)

helper(WSManager, Notifier)
