"""A second WebSocketNotifier, copied here during the agent refactor.

It has drifted from the canonical one in services/agent_websocket_bridge.py: it
has no per-user factory and sends through whatever manager it is handed.
"""

from __future__ import annotations

from typing import Any, Dict


class WebSocketNotifier:
    def __init__(self, manager: Any) -> None:
        self.manager = manager

    async def notify_agent_started(self, agent_name: str) -> None:
        await self.manager.send_to_user("agent_started", {"agent": agent_name})

    async def notify_agent_completed(self, agent_name: str, result: Dict[str, Any]) -> None:
        await self.manager.send_to_user("agent_completed", {"agent": agent_name, "result": result})
