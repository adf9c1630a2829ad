"""User-facing notifications pushed over WebSocket."""

from __future__ import annotations

import logging
from typing import Any, Dict

from netra_backend.app.core.user_context import UserExecutionContext
from netra_backend.app.services.agent_websocket_bridge import WebSocketNotifier
from netra_backend.app.websocket_core.websocket_manager_factory import WebSocketManagerFactory

logger = logging.getLogger(__name__)

NOTIFICATION_QUEUE_URL = "redis://cache:6379/2"


class NotificationService:
    def __init__(self, user_context: UserExecutionContext) -> None:
        self.user_context = user_context
        self.manager = WebSocketManagerFactory.create_isolated_manager(user_context)
        self.notifier = WebSocketNotifier(self.manager, user_context)

    async def push(self, kind: str, body: Dict[str, Any]) -> int:
        logger.info("notification %s for %s", kind, self.user_context.user_id)
        return await self.manager.send_to_user("notification", {"kind": kind, **body})

    async def agent_finished(self, agent_name: str, result: Dict[str, Any]) -> int:
        return await self.notifier.notify_agent_completed(agent_name, result)
