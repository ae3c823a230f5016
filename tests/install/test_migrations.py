"""Both Alembic histories: upgrading from every revision keeps the data, and a revision that
fails leaves the one before it, with nothing half-created. On SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    inspect,
    select,
    text,
)

from acctivate_qbo_plugin.migrate import (
    PLUGIN_HISTORY,
    REFERENCE_HOST_HISTORY,
    MigrationFailed,
    SchemaHistory,
    current_revision,
    revisions,
    upgrade,
)
from acctivate_qbo_plugin.state.db import make_engine

HISTORIES = (PLUGIN_HISTORY, REFERENCE_HOST_HISTORY)
CASES = [(history, revision) for history in HISTORIES for revision in revisions(history)]
VERSION_TABLES = {h.version_table for h in HISTORIES}


def _value(table: Table, column: Any, number: int) -> Any:
    """A value of the column's type that the column accepts, different per row."""
    kind = column.type
    if isinstance(kind, Boolean):
        return number % 2 == 1
    if isinstance(kind, Integer):
        return number
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        scale = kind.scale or 0
        return (Decimal("12.34") + number).quantize(Decimal(1).scaleb(-scale))
    if isinstance(kind, Float):
        return 1.5 + number
    if isinstance(kind, DateTime):
        return datetime(2026, 1, 2, 3, 4, 5 + number)
    if isinstance(kind, Date):
        return date(2026, 1, 2 + number)
    if isinstance(kind, String | Text):
        value = f"{number} {table.name}.{column.name} ünïcode"
        length = getattr(kind, "length", None)
        return value[: length or len(value)]
    raise AssertionError(f"no test value for {table.name}.{column.name} of type {kind!r}")


def _fill(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Insert two rows into every table of the database (parents first; every column set,
    foreign keys pointing at the parents' rows); return what reads back."""
    metadata = MetaData()
    metadata.reflect(engine)
    inserted: dict[str, list[dict[str, Any]]] = {}
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            if table.name in VERSION_TABLES:
                continue
            rows = []
            for number in (1, 2):
                row = {}
                for column in table.columns:
                    foreign = next(iter(column.foreign_keys), None)
                    if foreign is None:
                        row[column.name] = _value(table, column, number)
                    elif foreign.column.table.name == table.name or not inserted.get(
                        foreign.column.table.name
                    ):
                        row[column.name] = None  # a self-reference: left empty
                    else:
                        parent = inserted[foreign.column.table.name][0]
                        row[column.name] = parent[foreign.column.name]
                rows.append(row)
            connection.execute(table.insert(), rows)
            inserted[table.name] = rows
    return _read_back(engine, metadata, inserted)


def _read_back(
    engine: Engine, metadata: MetaData, inserted: dict[str, list[dict[str, Any]]]
) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for name in inserted:
            table = metadata.tables[name]
            order = list(table.primary_key.columns) or list(table.columns)
            found[name] = [
                dict(r._mapping) for r in connection.execute(select(table).order_by(*order))
            ]
    return found


@pytest.mark.parametrize(
    ("history", "revision"), CASES, ids=[f"{h.version_table}@{r}" for h, r in CASES]
)
def test_upgrading_from_every_revision_keeps_the_data(
    history: SchemaHistory, revision: str, acctivate_database_url: str
) -> None:
    upgrade(acctivate_database_url, history, revision)
    engine = make_engine(acctivate_database_url)
    try:
        before = _fill(engine)
        assert before and all(len(rows) == 2 for rows in before.values())

        result = upgrade(acctivate_database_url, history)

        assert result.after == revisions(history)[-1]
        assert current_revision(engine, history) == result.after
        metadata = MetaData()
        metadata.reflect(engine)
        after = _read_back(engine, metadata, before)
        for table, rows in before.items():
            kept = [{k: row[k] for k in rows[0]} for row in after[table]]
            assert kept == rows, f"{table} changed while upgrading from {revision}"
    finally:
        engine.dispose()


def test_upgrading_twice_does_nothing_the_second_time(acctivate_database_url: str) -> None:
    first = upgrade(acctivate_database_url, PLUGIN_HISTORY)
    second = upgrade(acctivate_database_url, PLUGIN_HISTORY)
    assert first.before is None and first.applied == tuple(revisions(PLUGIN_HISTORY))
    assert second.before == second.after == first.after and second.applied == ()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_migration_that_fails_midway_leaves_the_previous_revision(
    acctivate_database_url: str,
) -> None:
    # A table the first revision creates third: the two before it must not survive the failure.
    engine = make_engine(acctivate_database_url)
    with engine.begin() as connection:
        connection.execute(text('CREATE TABLE "tbSyncLog" (note VARCHAR(10))'))
    engine.dispose()

    with pytest.raises(MigrationFailed) as failure:
        upgrade(acctivate_database_url, PLUGIN_HISTORY)

    first = revisions(PLUGIN_HISTORY)[0]
    assert failure.value.revision == first and failure.value.left_at is None
    message = str(failure.value)
    assert f"failed at revision {first}" in message
    assert "tbSyncLog" in message and "already exists" in message
    assert "was rolled back" in message and "acctivate-qbo install" in message
    assert _tables(acctivate_database_url) - {"alembic_version"} == {"tbSyncLog"}


def test_a_failed_upgrade_keeps_the_earlier_revision_and_its_data_then_completes(
    acctivate_database_url: str,
) -> None:
    first, second = revisions(PLUGIN_HISTORY)[:2]
    upgrade(acctivate_database_url, PLUGIN_HISTORY, first)
    engine = make_engine(acctivate_database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO "tbSyncTime" (section, sync_time, updated_at) '
                "VALUES ('accounts', '2026-01-02 03:04:05', '2026-01-02 03:04:05')"
            )
        )
        connection.execute(text('CREATE TABLE "tbSyncMap" (note VARCHAR(10))'))  # in the way

    with pytest.raises(MigrationFailed) as failure:
        upgrade(acctivate_database_url, PLUGIN_HISTORY)

    assert failure.value.revision == second and failure.value.left_at == first
    assert f"the database is at revision {first}" in str(failure.value)
    assert current_revision(engine, PLUGIN_HISTORY) == first
    with engine.begin() as connection:
        assert connection.execute(text('SELECT section FROM "tbSyncTime"')).scalar_one() == (
            "accounts"
        )
        connection.execute(text('DROP TABLE "tbSyncMap"'))  # the administrator fixes it

    assert upgrade(acctivate_database_url, PLUGIN_HISTORY).after == revisions(PLUGIN_HISTORY)[-1]
    with engine.connect() as connection:
        assert connection.execute(text('SELECT count(*) FROM "tbSyncTime"')).scalar_one() == 1
    engine.dispose()


def test_a_database_from_a_newer_version_is_refused(acctivate_database_url: str) -> None:
    upgrade(acctivate_database_url, PLUGIN_HISTORY)
    engine = make_engine(acctivate_database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(MigrationFailed, match="upgraded by a newer version"):
        upgrade(acctivate_database_url, PLUGIN_HISTORY)
