"""The only supported way to obtain a WebSocket manager."""

from __future__ import annotations

from typing import Dict, Optional

from netra_backend.app.core.user_context import UserExecutionContext
from netra_backend.app.websocket_core.ssot_manager import SSOTWebSocketManager


class WebSocketManagerFactory:
    """Creates one isolated SSOTWebSocketManager per user execution context."""

    _managers: Dict[str, SSOTWebSocketManager] = {}

    @classmethod
    def create_isolated_manager(
        cls, user_context: Optional[UserExecutionContext] = None
    ) -> SSOTWebSocketManager:
        if user_context is None:
            # Work without a user (system broadcasts) gets a private, uncached manager.
            return SSOTWebSocketManager()
        key = f"{user_context.user_id}:{user_context.thread_id}"
        manager = cls._managers.get(key)
        if manager is None:
            manager = SSOTWebSocketManager(user_context)
            cls._managers[key] = manager
        return manager

    @classmethod
    def release(cls, user_context: UserExecutionContext) -> None:
        cls._managers.pop(f"{user_context.user_id}:{user_context.thread_id}", None)
