from app.ws import get_websocket_manager

manager = get_websocket_manager(get_websocket_manager(1), key=get_websocket_manager())
