"""Alembic migrations of the reference host schema."""
