from app.ws.ssot import SSOTManager as WSManager
from app.services.bridge \
    import Notifier as N

value = (WSManager, N)
