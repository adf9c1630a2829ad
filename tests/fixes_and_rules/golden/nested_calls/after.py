from app.ws import get_websocket_manager
from app.ws.factory import ManagerFactory

manager = ManagerFactory.create_isolated_manager(ManagerFactory.create_isolated_manager(1), key=ManagerFactory.create_isolated_manager())
