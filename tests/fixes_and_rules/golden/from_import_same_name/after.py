from app.services.bridge import Notifier

notifier = Notifier()
