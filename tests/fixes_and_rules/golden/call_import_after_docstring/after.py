"""Module docstring.

Spans two lines.
"""
from app.ws.factory import ManagerFactory


def first(ctx):
    from app.ws import get_websocket_manager
    return ManagerFactory.create_isolated_manager(ctx)


def second():
    from app.ws import get_websocket_manager
    return ManagerFactory.create_isolated_manager()
