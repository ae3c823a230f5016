"""Creating and upgrading the plugin's tables with Alembic.

The migrations ship inside the package (``acctivate_qbo_plugin/migrations``) so a plain
``pip install`` can create the tables; ``install/alembic.ini`` points Alembic's own command
line at the same scripts.
"""

from __future__ import annotations

import threading
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

# Alembic's ``op`` and ``context`` are module-level proxies: two threads migrating at once (two
# hosts in one process, or the plugin's tables and the host's) would trample each other, so
# every migration in the process takes turns.
MIGRATING = threading.Lock()

__all__ = [
    "MIGRATING",
    "SchemaError",
    "alembic_config",
    "current_revision",
    "ensure_schema",
    "head_revision",
]


class SchemaError(RuntimeError):
    """The tables could not be created or upgraded; the message says why."""


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(files("acctivate_qbo_plugin") / "migrations"))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_schema(engine: Engine) -> str:
    """Upgrade to the newest schema (a no-op when already there); return the revision.

    Each migration runs in its own transaction where the database allows it, so a failure
    leaves the previous schema in place.
    """
    head = head_revision()
    try:
        if current_revision(engine) == head:
            return head
        with MIGRATING:
            if current_revision(engine) != head:
                command.upgrade(alembic_config(engine), "head")
    except Exception as exc:
        if _at_head(engine, head):
            return head  # another process upgraded it at the same moment
        from acctivate_qbo_plugin.state.db import redact_url

        raise SchemaError(
            f"could not create or upgrade the sync tables in {redact_url(str(engine.url))}: "
            f"{exc}. Check the database is reachable and the user may create tables, then run "
            "`acctivate-qbo install`"
        ) from exc
    return head


def _at_head(engine: Engine, head: str) -> bool:
    try:
        return current_revision(engine) == head
    except Exception:
        return False
