"""Agents that answer chat requests."""
