"""Handlers."""
from app.ws.manager import WSManager


def handle():
    return WSManager()
