"""Deprecated location of WebSocketManagerFactory.

Import it from netra_backend.app.websocket_core.websocket_manager_factory.
"""

import warnings

from netra_backend.app.websocket_core.websocket_manager_factory import WebSocketManagerFactory

warnings.warn(
    "netra_backend.app.websocket_core.factory is deprecated; "
    "use netra_backend.app.websocket_core.websocket_manager_factory",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["WebSocketManagerFactory"]
