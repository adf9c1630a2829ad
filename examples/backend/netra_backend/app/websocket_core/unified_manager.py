"""Alias module left over from the first consolidation attempt.

Deprecated: everything here now lives in netra_backend.app.websocket_core.ssot_manager.
The re-export below is deliberate, hence the suppression comment.
"""

from netra_backend.app.websocket_core.manager import WebSocketManager  # canon: ignore[websocket-manager]

__all__ = ["WebSocketManager"]
