"""Maintenance notices."""
import logging

log = logging.getLogger(__name__)


async def broadcast(ctx, text):
    from app.ws import get_websocket_manager
    from app.ws.factory import ManagerFactory

    manager = ManagerFactory.create_isolated_manager(ctx)
    log.info("notice: %s", text)
    return await manager.send(text)
