def build():
    from app.ws.ssot import SSOTManager as WSManager
    if True:
        from app.legacy.notifier import helper
        from app.services.bridge import Notifier
    return WSManager(Notifier, helper)
