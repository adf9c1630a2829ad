"""Supervisor agent: runs sub-agents for one user request and streams their events."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from netra_backend.app.core.user_context import UserExecutionContext
from netra_backend.app.services.agent_websocket_bridge import AgentWebSocketBridge
from netra_backend.app.websocket_core import get_websocket_manager
from netra_backend.app.websocket_core.factory import WebSocketManagerFactory
from netra_backend.app.websocket_core.manager import (
    HEARTBEAT_INTERVAL_SECONDS,
    ConnectionInfo,
    WebSocketManager,
)

logger = logging.getLogger(__name__)


class SupervisorAgent:
    def __init__(self, user_context: UserExecutionContext) -> None:
        self.user_context = user_context
        self.bridge = AgentWebSocketBridge()
        self.connections: List[ConnectionInfo] = []

    def websocket_manager(self) -> WebSocketManager:
        # TODO(#212): move to WebSocketManagerFactory.create_isolated_manager
        return get_websocket_manager(self.user_context)

    def isolated_manager(self) -> Any:
        return WebSocketManagerFactory.create_isolated_manager(self.user_context)

    async def run(self, agents: List[str]) -> Dict[str, Any]:
        notifier = self.bridge.notifier_for(self.user_context)
        results: Dict[str, Any] = {}
        for agent_name in agents:
            await notifier.notify_agent_started(agent_name)
            results[agent_name] = {"status": "ok", "heartbeat": HEARTBEAT_INTERVAL_SECONDS}
            await notifier.notify_agent_completed(agent_name, results[agent_name])
        logger.info("supervisor ran %d agents for %s", len(agents), self.user_context.describe())
        return results
