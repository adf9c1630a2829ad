"""Cross-cutting services: configuration and per-request user context."""
