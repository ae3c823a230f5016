"""Creating and upgrading the plugin's tables before they are used.

The migrations ship inside the package (``acctivate_qbo_plugin/migrations``) so a plain
``pip install`` can create the tables; ``install/alembic.ini`` points Alembic's own command
line at the same scripts. The upgrade itself is :mod:`acctivate_qbo_plugin.migrate`'s: one
transaction per revision, and on SQLite no foreign-key cascade while a table is rebuilt.
"""

from __future__ import annotations

from sqlalchemy import Engine

__all__ = ["SchemaError", "ensure_schema"]


class SchemaError(RuntimeError):
    """The tables could not be created or upgraded; the message says why."""


def ensure_schema(engine: Engine) -> str:
    """Upgrade the sync tables in ``engine``'s database to the newest revision (a no-op, one
    query, when they are there already); return the revision."""
    from acctivate_qbo_plugin.migrate import PLUGIN_HISTORY, ensure

    try:
        return ensure(engine, PLUGIN_HISTORY)
    except Exception as exc:
        from acctivate_qbo_plugin.state.db import redact_url

        raise SchemaError(
            f"could not create or upgrade the sync tables in {redact_url(str(engine.url))}: "
            f"{str(exc).rstrip('.')}. Check the database is reachable and the user may create "
            "tables, then run `acctivate-qbo install`"
        ) from exc
