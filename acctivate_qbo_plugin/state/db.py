"""Connecting to the database that holds the plugin's tables, and reading its clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.pool import StaticPool

from acctivate_qbo_plugin.state.types import as_utc

__all__ = ["database_now", "make_engine", "redact_url"]


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``, tuned so a background sync and the host can share the file.

    SQLite gets WAL (readers never block the writer), a busy timeout instead of an instant
    "database is locked", and foreign keys on.
    """
    if url.startswith("sqlite"):
        if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
            kwargs.setdefault("poolclass", StaticPool)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# The host clock for a sync window's upper bound. On PostgreSQL a row's change time is the
# start of the transaction that wrote it, so a transaction still open could commit rows stamped
# *before* "now": the bound is held back to the oldest open transaction's start, which is what
# SQL Server's MIN_ACTIVE_ROWVERSION does for rowversions. Elsewhere the overlap covers it.
_NOW_SQL = {
    "postgresql": """
        SELECT LEAST(clock_timestamp(), COALESCE(
            (SELECT min(xact_start) FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid()
                AND backend_type = 'client backend' AND xact_start IS NOT NULL),
            clock_timestamp()))
    """,
    "sqlite": "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')",
    "mssql": "SELECT SYSUTCDATETIME()",
    "mysql": "SELECT UTC_TIMESTAMP(6)",
    "mariadb": "SELECT UTC_TIMESTAMP(6)",
}


def database_now(connection: Connection) -> datetime:
    """The database's own clock as aware UTC, held back to the oldest open transaction."""
    sql = _NOW_SQL.get(connection.dialect.name, "SELECT CURRENT_TIMESTAMP")
    value = connection.execute(text(sql)).scalar_one()
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)


def redact_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database url>"
