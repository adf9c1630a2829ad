"""Service."""
from __future__ import annotations

import os
from app.ws import get_websocket_manager

LOG = os.environ.get("LOG")


def first(ctx):
    return get_websocket_manager(ctx)


def second(ctx, **options):
    return get_websocket_manager(ctx, **options)
