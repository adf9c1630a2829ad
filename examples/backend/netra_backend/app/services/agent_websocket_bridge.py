"""Bridge between agent execution and WebSocket delivery.

WebSocketNotifier is defined here and nowhere else; obtain one with
WebSocketNotifier.create_for_user(), which checks that the manager and the
execution context belong to the same user.
"""

from __future__ import annotations

from typing import Any, Dict

from netra_backend.app.core.user_context import UserExecutionContext
from netra_backend.app.websocket_core.ssot_manager import SSOTWebSocketManager
from netra_backend.app.websocket_core.websocket_manager_factory import WebSocketManagerFactory

AGENT_EVENTS = (
    "agent_started",
    "agent_thinking",
    "tool_executing",
    "tool_completed",
    "agent_completed",
)


class WebSocketNotifier:
    """Sends the five agent events to exactly one user."""

    def __init__(self, emitter: SSOTWebSocketManager, exec_context: UserExecutionContext) -> None:
        self.emitter = emitter
        self.exec_context = exec_context

    @classmethod
    def create_for_user(
        cls, emitter: SSOTWebSocketManager, exec_context: UserExecutionContext
    ) -> "WebSocketNotifier":
        owner = emitter.user_context
        if owner is not None and owner.user_id != exec_context.user_id:
            raise ValueError(f"manager of {owner.user_id} cannot notify {exec_context.user_id}")
        return cls(emitter, exec_context)

    async def notify(self, event: str, **payload: Any) -> int:
        if event not in AGENT_EVENTS:
            raise ValueError(f"unknown agent event {event!r}")
        payload.setdefault("run_id", self.exec_context.run_id)
        return await self.emitter.send_to_user(event, payload)

    async def notify_agent_started(self, agent_name: str) -> int:
        return await self.notify("agent_started", agent=agent_name)

    async def notify_agent_completed(self, agent_name: str, result: Dict[str, Any]) -> int:
        return await self.notify("agent_completed", agent=agent_name, result=result)


class AgentWebSocketBridge:
    """Hands each agent run a notifier bound to its own user."""

    def notifier_for(self, user_context: UserExecutionContext) -> WebSocketNotifier:
        emitter = WebSocketManagerFactory.create_isolated_manager(user_context)
        return WebSocketNotifier.create_for_user(emitter, user_context)
