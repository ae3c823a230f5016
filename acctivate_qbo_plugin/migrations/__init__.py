"""Alembic migrations for the plugin tables (and, later, the reference host schema)."""
