import importlib
from unittest import mock

with mock.patch("app.ws.manager.WSManager") as fake:
    module = importlib.import_module("pkg.old_utils")
    sub = importlib.import_module('pkg.old_utils.helpers')


@mock.patch("app.legacy.notifier.Notifier.send")
def test_send(send):
    assert send
