"""Tests for the chat routes (run from examples/backend: python3 -m unittest discover -s tests)."""

import asyncio
import unittest
from unittest import mock

from netra_backend.app.core.user_context import UserExecutionContext
from netra_backend.app.routes import chat
from netra_backend.app.websocket_core.websocket_manager_factory import WebSocketManagerFactory


class FakeWebSocket:
    def __init__(self, messages):
        self.messages = list(messages)
        self.sent = []

    async def iter_text(self):
        for message in self.messages:
            yield message

    async def send_json(self, data):
        self.sent.append(data)


class ChatRouteTest(unittest.TestCase):
    def test_messages_go_back_to_the_same_user(self):
        websocket = FakeWebSocket(['{"text": "hi"}'])
        asyncio.run(chat.chat_socket(websocket, "user-1", "thread-1"))
        self.assertEqual(websocket.sent, [{"event": "user_message", "payload": {"text": "hi"}}])

    def test_managers_are_isolated_per_user(self):
        first = WebSocketManagerFactory.create_isolated_manager(UserExecutionContext("a", "t"))
        second = WebSocketManagerFactory.create_isolated_manager(UserExecutionContext("b", "t"))
        self.assertIsNot(first, second)

    @mock.patch("netra_backend.app.websocket_core.manager.WebSocketManager")
    def test_admin_console_uses_legacy_manager(self, legacy_manager):
        self.assertIs(chat.legacy_manager_for_admin_console(), legacy_manager.return_value)

    def test_origin_allow_list(self):
        self.assertTrue(chat.is_allowed_origin(chat.CHAT_ORIGIN))
        self.assertFalse(chat.is_allowed_origin("evil.example"))


if __name__ == "__main__":
    unittest.main()
