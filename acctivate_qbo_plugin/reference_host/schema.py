"""Creating and upgrading the reference host schema (its own Alembic history)."""

from __future__ import annotations

from sqlalchemy import Engine

__all__ = ["ensure_reference_schema"]


def ensure_reference_schema(engine: Engine) -> str:
    """Bring the reference host tables to the newest revision; return it."""
    from acctivate_qbo_plugin.migrate import REFERENCE_HOST_HISTORY, ensure

    return ensure(engine, REFERENCE_HOST_HISTORY)
