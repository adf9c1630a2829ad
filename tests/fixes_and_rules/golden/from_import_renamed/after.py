"""Handlers."""
from app.ws.ssot import SSOTManager as WSManager


def handle():
    return WSManager()
