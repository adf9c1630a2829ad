"""Netra backend: chat, agents and the WebSocket layer that streams their events."""
