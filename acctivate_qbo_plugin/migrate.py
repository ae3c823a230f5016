"""Upgrading a database along one of the two Alembic histories, all or nothing per revision.

Two histories live in the package: the plugin's own tables (``tbSync*``, version table
``alembic_version``) and the reference host's (version table
``alembic_version_reference_host``). :func:`upgrade` moves a database to a revision and
reports where it was, where it is, and which revisions ran.

Every revision runs in its own transaction, so one that fails leaves the database at the
revision before it, with nothing half-created. PostgreSQL does that by itself; SQLite does
too once its driver stops committing before DDL statements, which
:func:`migration_engine` arranges (SQLAlchemy's documented recipe). The same engine turns
SQLite's foreign keys off while migrating: Alembic's batch mode rebuilds a table by copying it
and dropping the old one, and with foreign keys on, that drop would cascade to the rows that
refer to it (SQLite's documented table-rebuild procedure, step 1). Integrity is checked with
``PRAGMA foreign_key_check`` before the revision commits.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, event, inspect

from acctivate_qbo_plugin.state.db import make_engine, redact_url

# Alembic's ``op`` and ``context`` are module-level proxies: two threads migrating at once (two
# hosts in one process, or the plugin's tables and the host's) would trample each other, so
# every migration in the process takes turns.
MIGRATING = threading.Lock()

__all__ = [
    "MIGRATING",
    "PLUGIN_HISTORY",
    "REFERENCE_HOST_HISTORY",
    "MigrationFailed",
    "SchemaHistory",
    "UpgradeResult",
    "current_revision",
    "ensure",
    "migration_engine",
    "missing_schema",
    "revisions",
    "upgrade",
]


@dataclass(frozen=True)
class SchemaHistory:
    """One Alembic history shipped in the package."""

    name: str
    """How messages name it: "sync tables" or "reference host tables"."""
    directory: str
    """The migration scripts, relative to the package."""
    version_table: str
    metadata_loader: str = field(repr=False)
    """``module:attribute`` of the SQLAlchemy metadata the history builds (for checks)."""

    def config(self, engine: Engine | None = None) -> Config:
        config = Config()
        location = files("acctivate_qbo_plugin").joinpath(*self.directory.split("/"))
        config.set_main_option("script_location", str(location))
        if engine is not None:
            config.attributes["engine"] = engine
        return config

    def metadata(self) -> MetaData:
        import importlib

        module, _, attribute = self.metadata_loader.partition(":")
        return getattr(importlib.import_module(module), attribute).metadata


PLUGIN_HISTORY = SchemaHistory(
    "sync tables", "migrations", "alembic_version", "acctivate_qbo_plugin.state.models:Base"
)
REFERENCE_HOST_HISTORY = SchemaHistory(
    "reference host tables",
    "reference_host/migrations",
    "alembic_version_reference_host",
    "acctivate_qbo_plugin.reference_host.models:HostBase",
)


@dataclass(frozen=True)
class UpgradeResult:
    history: SchemaHistory
    before: str | None
    after: str
    applied: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.applied)


class MigrationFailed(RuntimeError):
    """A revision failed; the database stays at the last revision that succeeded.

    :ivar revision: the revision that failed.
    :ivar left_at: the revision the database is at now (None: no tables of this history).
    """

    def __init__(self, message: str, revision: str | None, left_at: str | None) -> None:
        super().__init__(message)
        self.revision = revision
        self.left_at = left_at


def revisions(history: SchemaHistory) -> list[str]:
    """Every revision of ``history``, oldest first."""
    script = ScriptDirectory.from_config(history.config())
    if len(script.get_heads()) != 1:
        raise RuntimeError(f"the {history.name} history has several heads: {script.get_heads()}")
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


def current_revision(engine: Engine, history: SchemaHistory) -> str | None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": history.version_table}
        )
        return context.get_current_revision()


def migration_engine(url: str) -> Engine:
    """An engine for running migrations: transactional DDL and no foreign-key cascades on
    SQLite (see the module docstring); any other database as :func:`make_engine` makes it."""
    engine = make_engine(url)
    if engine.dialect.name != "sqlite":
        return engine

    @event.listens_for(engine, "connect")
    def _driver_autocommit(dbapi_connection: Any, _record: Any) -> None:
        # Outside a transaction, so the pragma takes effect; then let SQLAlchemy's BEGIN
        # (below) open every transaction, DDL included.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "commit")
    def _check_foreign_keys(connection: Any) -> None:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            tables = sorted({row[0] for row in broken})
            raise RuntimeError(
                f"the migration would leave {len(broken)} row(s) pointing at rows that do not "
                f"exist (tables {', '.join(tables)})"
            )

    return engine


@contextmanager
def _engine_for(url: str) -> Iterator[Engine]:
    engine = migration_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def upgrade(url: str, history: SchemaHistory, target: str = "head") -> UpgradeResult:
    """Bring the database at ``url`` to ``target`` along ``history``; idempotent.

    :raises MigrationFailed: a revision failed; the message says which, why, and where the
        database was left.
    """
    every = revisions(history)
    wanted = every[-1] if target == "head" else target
    if wanted not in every:
        raise ValueError(f"{target!r} is not a revision of the {history.name}: {every}")
    with _engine_for(url) as engine, MIGRATING:
        before = current_revision(engine, history)
        if before is not None and before not in every:
            raise MigrationFailed(
                f"the {history.name} in {redact_url(url)} are at revision {before!r}, which this "
                f"version of acctivate-qbo does not know (it knows {', '.join(every)}): the "
                "database was upgraded by a newer version. Install that version (or newer).",
                None,
                before,
            )
        start = every.index(before) + 1 if before is not None else 0
        if start > every.index(wanted):
            return UpgradeResult(history, before, before or wanted, ())
        try:
            command.upgrade(history.config(engine), wanted)
        except Exception as exc:
            left_at = _safe_current(engine, history)
            failed = _next(every, left_at)
            where = f"revision {left_at}" if left_at else "no tables of it (as before)"
            raise MigrationFailed(
                f"upgrading the {history.name} in {redact_url(url)} failed at revision "
                f"{failed}: {_reason(exc)}. That revision was rolled back; the database is at "
                f"{where}. Fix the cause, then run `acctivate-qbo install` again.",
                failed,
                left_at,
            ) from exc
        after = current_revision(engine, history)
    assert after is not None
    return UpgradeResult(history, before, after, tuple(every[start : every.index(after) + 1]))


def ensure(engine: Engine, history: SchemaHistory) -> str:
    """``history`` at head in ``engine``'s database: one query when it is there already,
    else :func:`upgrade` (with its own migration engine on the same URL)."""
    head = revisions(history)[-1]
    if _safe_current(engine, history) == head:
        return head
    result = upgrade(engine.url.render_as_string(hide_password=False), history)
    return result.after


def missing_schema(url: str, history: SchemaHistory) -> list[str]:
    """Tables and columns the history's models expect but the database lacks (empty: all
    there)."""
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        existing = set(inspector.get_table_names())
        missing = []
        for table in history.metadata().sorted_tables:
            if table.name not in existing:
                missing.append(f"table {table.name}")
                continue
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            missing += [
                f"column {table.name}.{c.name}" for c in table.columns if c.name not in columns
            ]
        return missing
    finally:
        engine.dispose()


def _safe_current(engine: Engine, history: SchemaHistory) -> str | None:
    try:
        return current_revision(engine, history)
    except Exception:
        return None


def _next(every: list[str], current: str | None) -> str | None:
    index = every.index(current) + 1 if current in every else 0
    return every[index] if index < len(every) else None


def _reason(exc: BaseException) -> str:
    """The database's own words, without SQLAlchemy's statement dump and background link."""
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
