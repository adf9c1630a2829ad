"""WebSocket core package.

New code imports from the submodules directly:

    from netra_backend.app.websocket_core.ssot_manager import SSOTWebSocketManager
    from netra_backend.app.websocket_core.websocket_manager_factory import WebSocketManagerFactory

The names below are kept for old call sites only.
"""

from __future__ import annotations

from typing import Optional

from netra_backend.app.core.user_context import UserExecutionContext

from .manager import WebSocketManager

_manager: Optional[WebSocketManager] = None


def get_websocket_manager(user_context: Optional[UserExecutionContext] = None) -> WebSocketManager:
    """Deprecated process-wide singleton: every caller shares one manager.

    Use WebSocketManagerFactory.create_isolated_manager(user_context) instead.
    """
    global _manager
    if _manager is None:
        _manager = WebSocketManager(user_context)
    return _manager


__all__ = ["WebSocketManager", "get_websocket_manager"]
