"""Maintenance notices."""
import logging

log = logging.getLogger(__name__)


async def broadcast(ctx, text):
    from app.ws import get_websocket_manager

    manager = get_websocket_manager(ctx)
    log.info("notice: %s", text)
    return await manager.send(text)
