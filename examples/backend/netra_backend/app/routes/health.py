"""Liveness and readiness probes."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Dict

from netra_backend.app.core.configuration import ConfigurationManager


def _load_factory_module() -> ModuleType:
    try:
        return importlib.import_module("netra_backend.app.websocket_core.websocket_manager_factory")
    except ImportError:  # images built before the factory moved
        return importlib.import_module("netra_backend.app.websocket_core.factory")


def readiness() -> Dict[str, str]:
    factory_module = _load_factory_module()
    return {
        "websocket": ConfigurationManager.get_websocket_host(),
        "factory": factory_module.__name__,
    }
