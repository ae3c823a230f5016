"""Creating and upgrading the reference host schema (its own Alembic history)."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

__all__ = ["ensure_reference_schema"]

from acctivate_qbo_plugin.state.schema import MIGRATING

VERSION_TABLE = "alembic_version_reference_host"


def _config(engine: Engine | None = None) -> Config:
    config = Config()
    location = files("acctivate_qbo_plugin") / "reference_host" / "migrations"
    config.set_main_option("script_location", str(location))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def ensure_reference_schema(engine: Engine) -> str:
    """Bring the reference host tables to the newest revision; return it."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    with MIGRATING:
        with engine.connect() as connection:
            current = MigrationContext.configure(
                connection, opts={"version_table": VERSION_TABLE}
            ).get_current_revision()
        if current != head:
            command.upgrade(_config(engine), "head")
    return head
