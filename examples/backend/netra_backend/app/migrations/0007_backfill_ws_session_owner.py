"""Backfill the owner of stored WebSocket sessions (one-off data migration).

Kept exactly as it ran; .canon.yaml excludes migrations, so the legacy import
below is never reported.
"""

from netra_backend.app.websocket_core.manager import WebSocketManager


def upgrade(sessions):
    manager = WebSocketManager()
    for session in sessions:
        session.setdefault("owner", manager.user_context)
    return sessions
