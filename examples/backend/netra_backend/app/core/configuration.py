"""Single source of configuration for hosts, ports and service URLs.

Every host name and URL the backend uses is read here, from the environment,
with development defaults. Other modules ask ConfigurationManager instead of
hard-coding addresses (the `no-hardcoded-hosts` rule allows this file only).
"""

from __future__ import annotations

import os


class ConfigurationManager:
    """Reads service locations from the environment."""

    @staticmethod
    def get_websocket_host() -> str:
        return os.environ.get("NETRA_WEBSOCKET_HOST", "localhost:8000")

    @staticmethod
    def get_redis_url() -> str:
        return os.environ.get("NETRA_REDIS_URL", "redis://localhost:6379/0")

    @staticmethod
    def get_db_url() -> str:
        return os.environ.get("NETRA_DATABASE_URL", "postgresql://netra@localhost:5432/netra")

    @staticmethod
    def get_heartbeat_interval() -> float:
        return float(os.environ.get("NETRA_WS_HEARTBEAT_SECONDS", "25"))
