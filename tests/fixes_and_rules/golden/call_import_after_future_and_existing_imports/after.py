"""Service."""
from __future__ import annotations

import os
from app.ws import get_websocket_manager
from app.ws.factory import ManagerFactory

LOG = os.environ.get("LOG")


def first(ctx):
    return ManagerFactory.create_isolated_manager(ctx)


def second(ctx, **options):
    return ManagerFactory.create_isolated_manager(ctx, **options)
