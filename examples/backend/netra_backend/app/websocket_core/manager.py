"""Legacy WebSocket manager.

Deprecated: import SSOTWebSocketManager from
netra_backend.app.websocket_core.ssot_manager instead. This module stays only so
that old call sites keep working while they migrate.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Optional

from netra_backend.app.core.user_context import UserExecutionContext
from netra_backend.app.websocket_core.ssot_manager import SSOTWebSocketManager

HEARTBEAT_INTERVAL_SECONDS = 25
MAX_CONNECTIONS_PER_USER = 5


@dataclass
class ConnectionInfo:
    connection_id: str
    user_id: str
    is_healthy: bool = True


class WebSocketManager(SSOTWebSocketManager):
    """Process-wide manager from before per-user isolation. Do not use in new code."""

    def __init__(self, user_context: Optional[UserExecutionContext] = None) -> None:
        warnings.warn(
            "WebSocketManager is deprecated; use WebSocketManagerFactory.create_isolated_manager()",
            DeprecationWarning,
            stacklevel=2,
        )
        super().__init__(user_context)
