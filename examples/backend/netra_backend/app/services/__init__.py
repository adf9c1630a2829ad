"""Application services."""
