"""Chat WebSocket route: one connection per browser tab."""

from __future__ import annotations

import json
import logging
from typing import Any, Dict

import netra_backend.app.websocket_core as wc
from netra_backend.app.core.user_context import UserExecutionContext
from netra_backend.app.websocket_core.unified_manager import WebSocketManager as UnifiedWebSocketManager
from netra_backend.app.websocket_core.websocket_manager_factory import WebSocketManagerFactory

logger = logging.getLogger(__name__)

CHAT_ORIGIN = "localhost:8000"


async def chat_socket(websocket: Any, user_id: str, thread_id: str) -> None:
    context = UserExecutionContext(user_id=user_id, thread_id=thread_id)
    manager = WebSocketManagerFactory.create_isolated_manager(context)
    connection_id = str(id(websocket))
    await manager.connect(connection_id, websocket)
    try:
        async for raw in websocket.iter_text():
            message: Dict[str, Any] = json.loads(raw)
            await manager.send_to_user("user_message", message)
    finally:
        await manager.disconnect(connection_id)


def legacy_manager_for_admin_console() -> UnifiedWebSocketManager:
    # The admin console still expects a process-wide manager.
    return wc.manager.WebSocketManager()


def announcement_manager() -> Any:
    """Manager used by the maintenance banner, shared by every user."""
    return wc.get_websocket_manager()


def is_allowed_origin(origin: str) -> bool:
    return origin in (CHAT_ORIGIN, f"https://{CHAT_ORIGIN}")
