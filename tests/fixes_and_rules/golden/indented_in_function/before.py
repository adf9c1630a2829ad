def build():
    from app.ws.manager import WSManager
    if True:
        from app.legacy.notifier import Notifier, helper
    return WSManager(Notifier, helper)
