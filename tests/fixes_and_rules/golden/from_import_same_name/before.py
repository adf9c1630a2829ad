from app.legacy.notifier import Notifier

notifier = Notifier()
