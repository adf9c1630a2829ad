"""Module docstring.

Spans two lines.
"""


def first(ctx):
    from app.ws import get_websocket_manager
    return get_websocket_manager(ctx)


def second():
    from app.ws import get_websocket_manager
    return get_websocket_manager()
