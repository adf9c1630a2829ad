import importlib
from unittest import mock

with mock.patch("app.ws.ssot.SSOTManager") as fake:
    module = importlib.import_module("pkg.new_utils")
    sub = importlib.import_module('pkg.new_utils.helpers')


@mock.patch("app.services.bridge.Notifier.send")
def test_send(send):
    assert send
