try:
    from netra.ws.manager import Manager
except ImportError:
    Manager = None
from unittest import mock
mock.patch("netra.ws.manager.Manager")
