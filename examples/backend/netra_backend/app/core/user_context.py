"""Per-request user context that WebSocket managers and notifiers are bound to."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UserExecutionContext:
    user_id: str
    thread_id: str
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def describe(self) -> str:
        return f"user={self.user_id} thread={self.thread_id} run={self.run_id}"
