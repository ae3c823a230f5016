"""The sync state tables on the test database (SQLite, or PostgreSQL in CI's second pass)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, inspect, text

from acctivate_qbo_plugin.migrate import PLUGIN_HISTORY, current_revision, revisions
from acctivate_qbo_plugin.state import NewLogEntry, SectionSyncTime, StateStore
from acctivate_qbo_plugin.state.schema import ensure_schema


@pytest.fixture
def store(acctivate_database_url: str) -> Iterator[StateStore]:
    opened = StateStore.open(acctivate_database_url)
    yield opened
    opened.close()


def test_install_creates_the_tables_and_is_idempotent(store: StateStore) -> None:
    names = set(inspect(store.engine).get_table_names())
    assert {"tbSyncTime", "tbSyncRun", "tbSyncRunSection", "tbSyncLog", "tbSyncRetry"} <= names
    head = revisions(PLUGIN_HISTORY)[-1]
    assert current_revision(store.engine, PLUGIN_HISTORY) == head
    assert ensure_schema(store.engine) == head  # again: nothing to do, no error


def test_sync_time_advances_with_the_section_record_in_one_transaction(store: StateStore) -> None:
    t0 = datetime(2026, 3, 8, 9, 59, 30, 250_000, tzinfo=UTC)
    run_id = store.start_run("menu", ["customers"], t0)
    row = store.start_section(run_id, "customers", t0, None)
    store.complete_section(
        row,
        outcome="warning",
        counts={"created": 1, "warnings": 1},
        finished_at=t0 + timedelta(seconds=3),
        advance_to=SectionSyncTime("customers", t0, t0 - timedelta(hours=8)),
    )
    saved = store.sync_time("customers")
    assert saved.sync_time == t0  # microseconds and UTC survive the round trip
    assert saved.qbo_sync_time == t0 - timedelta(hours=8)
    (section,) = store.run_sections(run_id)
    assert (section.outcome, section.created, section.sync_time_after) == ("warning", 1, t0)


def test_holding_keeps_the_old_sync_time(store: StateStore) -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    run_id = store.start_run("timer", ["journals"], t0)
    first = store.start_section(run_id, "journals", t0, None)
    store.complete_section(
        first, outcome="success", counts={}, finished_at=t0,
        advance_to=SectionSyncTime("journals", t0, None),
    )  # fmt: skip
    second = store.start_section(run_id, "journals", t0, t0)
    store.complete_section(
        second, outcome="error", counts={"errors": 1}, finished_at=t0, advance_to=None
    )
    assert store.sync_time("journals").sync_time == t0
    states = {s.section: s for s in store.section_states(["journals", "payments"])}
    assert states["journals"].last_outcome == "error"
    assert states["payments"].sync_time is None and states["payments"].last_outcome is None


def test_log_filters(store: StateStore) -> None:
    t0 = datetime(2026, 2, 1, tzinfo=UTC)
    run_id = store.start_run("menu", ["invoices"], t0)
    store.add_log(
        run_id,
        "invoices",
        t0,
        [
            NewLogEntry("warning", "total changed from 100 to 108", record="invoice 1043"),
            NewLogEntry("error", "closed period", record="invoice 1044", code="6210",
                        fix_hint="Move the closing date back, sync, restore it."),
        ],
    )  # fmt: skip
    store.add_log(None, "config", t0 + timedelta(hours=1), [NewLogEntry("error", "bad file")])
    assert [e.message for e in store.log_entries()] == [
        "bad file", "closed period", "total changed from 100 to 108",
    ]  # fmt: skip
    assert [e.record for e in store.log_entries(level="error", section="invoices")] == [
        "invoice 1044"
    ]
    assert [e.code for e in store.log_entries(run_id=run_id, record="1044")] == ["6210"]
    assert [e.section for e in store.log_entries(since=t0 + timedelta(minutes=1))] == ["config"]
    assert store.log_entries(record="%") == []  # a wildcard is a literal, not "everything"


def test_the_database_clock_is_utc_and_moves(store: StateStore) -> None:
    first = store.database_now()
    second = store.database_now()
    assert first.tzinfo is UTC and second >= first
    assert abs((first - datetime.now(UTC)).total_seconds()) < 120


@pytest.mark.postgres_only
def test_postgres_clock_is_held_back_to_the_oldest_open_transaction(
    store: StateStore, acctivate_database_url: str
) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (runs in CI's PostgreSQL pass)")
    other = create_engine(acctivate_database_url)
    with other.connect() as connection:
        connection.execute(text("SELECT 1"))  # the transaction starts here...
        opened_at = connection.execute(text("SELECT now()")).scalar_one()
        later = store.database_now()
        # ...so rows it may still commit are stamped no later than opened_at: the bound waits.
        assert later <= opened_at
        connection.rollback()
    assert store.database_now() > opened_at
    other.dispose()
