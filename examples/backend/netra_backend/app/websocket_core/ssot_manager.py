"""The single WebSocket manager implementation (SSOT).

One instance exists per user execution context. It is created by
WebSocketManagerFactory.create_isolated_manager() and never shared between users.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from netra_backend.app.core.user_context import UserExecutionContext

if TYPE_CHECKING:
    # adopt() still accepts legacy managers while their callers migrate.
    from netra_backend.app.websocket_core.manager import WebSocketManager

logger = logging.getLogger(__name__)


class SSOTWebSocketManager:
    """Tracks the connections of one user and delivers events to them."""

    def __init__(self, user_context: Optional[UserExecutionContext] = None) -> None:
        self.user_context = user_context
        self._connections: Dict[str, Any] = {}
        self._outbox: List[Dict[str, Any]] = []
        self._lock = asyncio.Lock()

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    async def connect(self, connection_id: str, websocket: Any) -> None:
        async with self._lock:
            self._connections[connection_id] = websocket
        logger.debug("connected %s", connection_id)

    async def disconnect(self, connection_id: str) -> None:
        async with self._lock:
            self._connections.pop(connection_id, None)

    async def send_to_user(self, event: str, payload: Dict[str, Any]) -> int:
        message = {"event": event, "payload": payload}
        self._outbox.append(message)
        delivered = 0
        for websocket in list(self._connections.values()):
            await websocket.send_json(message)
            delivered += 1
        return delivered

    def sent_events(self) -> List[str]:
        return [message["event"] for message in self._outbox]

    @classmethod
    def adopt(cls, legacy: "WebSocketManager") -> "SSOTWebSocketManager":
        manager = cls(legacy.user_context)
        manager._connections.update(legacy._connections)
        return manager
