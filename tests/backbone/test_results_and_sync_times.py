"""Each section ends green, yellow or red; the engine moves its sync time accordingly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.sections import SectionContext

from .conftest import ScriptedSections, write_config

BASE = """
[sync]
debounce_seconds = 0
max_delay_seconds = 0
sync_on_start = false
overlap_seconds = 30
"""
QUARANTINE = 'on_record_error = "quarantine"\n'  # appended to BASE's [sync] table


@pytest.fixture
def make_host(
    fake_host_factory: Callable[..., FakeHost], scripted: ScriptedSections, tmp_path: Path
) -> Callable[[str], FakeHost]:
    def make(extra: str = "") -> FakeHost:
        write_config(tmp_path, BASE + extra)
        host = fake_host_factory(data_dir=tmp_path, catalog=scripted.catalog())
        host.start()
        return host

    return make


def sync_now(host: FakeHost) -> None:
    host.click_menu()
    host.wait_for_runs(len(host.runs()) + 1)


def test_a_section_that_raises_is_an_error_for_that_section_only(
    make_host: Callable[[str], FakeHost], scripted: ScriptedSections
) -> None:
    def boom(ctx: SectionContext) -> None:
        raise RuntimeError("the host table is missing a column")

    scripted.behaviours["customers"] = boom
    host = make_host("")
    sync_now(host)

    results = host.section_results()
    assert results["customers"].outcome == "error"
    assert "the host table is missing a column" in results["customers"].messages[0]
    others = {n: r.outcome for n, r in results.items() if n != "customers"}
    assert set(others.values()) == {"success"} and len(others) == 9  # the run went on
    assert host.run_results()[-1].outcome == "error"

    (entry,) = host.runtime.store.log_entries(section="customers")
    assert entry.level == "error" and entry.code == "RuntimeError"
    assert entry.run_id == host.runs()[-1].id
    assert entry.fix_hint and "log" in entry.fix_hint


def test_a_warning_advances_the_sync_time_and_an_error_holds_it(
    make_host: Callable[[str], FakeHost], scripted: ScriptedSections
) -> None:
    host = make_host("")
    sync_now(host)
    store = host.runtime.store
    after_first = store.sync_times()
    assert after_first["vendors"].sync_time is not None

    scripted.behaviours["vendors"] = lambda ctx: ctx.warn(
        "bill 17 amount changed from 50.00 to 75.00", record="po invoice 17"
    )
    scripted.behaviours["customers"] = lambda ctx: ctx.error(
        "the name 'Mike Smith' is already used in QuickBooks",
        record="customer C-1",
        code="6240",
        fix_hint="Rename one of them, then sync.",
    )
    sync_now(host)
    after_second = store.sync_times()
    results = host.section_results()

    assert results["vendors"].outcome == "warning"
    assert after_second["vendors"].sync_time > after_first["vendors"].sync_time
    assert results["customers"].outcome == "error"
    assert after_second["customers"].sync_time == after_first["customers"].sync_time
    assert results["customers"].sync_time == after_first["customers"].sync_time

    # The next run reviews the held window again: it starts from the same sync time.
    scripted.behaviours.clear()
    sync_now(host)
    customers_contexts = [c for c in scripted.contexts if c.section == "customers"]
    assert customers_contexts[-1].since.sync_time == after_first["customers"].sync_time
    assert host.section_results()["customers"].outcome == "success"

    log = {(e.section, e.level, e.code) for e in store.log_entries()}
    assert ("vendors", "warning", None) in log and ("customers", "error", "6240") in log
    (error,) = store.log_entries(level="error")
    assert error.record == "customer C-1" and error.fix_hint == "Rename one of them, then sync."


def test_the_new_sync_time_is_the_window_start_minus_the_overlap(
    make_host: Callable[[str], FakeHost], scripted: ScriptedSections
) -> None:
    host = make_host("")
    sync_now(host)
    (ctx,) = [c for c in scripted.contexts if c.section == "accounts"]
    times = host.runtime.store.sync_times()
    # host_until was read from the database clock as the run started, before any review.
    assert (ctx.host_until - times["accounts"].sync_time).total_seconds() == 30


def test_quarantine_advances_past_failed_records_and_retries_them_first(
    make_host: Callable[[str], FakeHost], scripted: ScriptedSections
) -> None:
    host = make_host(QUARANTINE)
    sync_now(host)
    store = host.runtime.store
    before = store.sync_times()["invoices"].sync_time

    scripted.behaviours["invoices"] = lambda ctx: ctx.error(
        "dated in a closed period", record="invoice 1043", code="6210"
    )
    sync_now(host)
    assert host.section_results()["invoices"].outcome == "error"
    assert store.sync_times()["invoices"].sync_time > before  # advanced despite the error
    (retry,) = store.retry_records("invoices")
    assert (retry.record, retry.code, retry.attempts) == ("invoice 1043", "6210", 1)

    seen_retry: list[tuple[str, ...]] = []

    def still_failing(ctx: SectionContext) -> None:
        seen_retry.append(tuple(r.record for r in ctx.retry))
        ctx.error("dated in a closed period", record="invoice 1043", code="6210")

    scripted.behaviours["invoices"] = still_failing
    sync_now(host)
    assert seen_retry == [("invoice 1043",)]
    assert store.retry_records("invoices")[0].attempts == 2

    def now_passes(ctx: SectionContext) -> None:
        for record in ctx.retry:
            ctx.passed(record.record)

    scripted.behaviours["invoices"] = now_passes
    sync_now(host)
    assert store.retry_records("invoices") == []
    assert host.section_results()["invoices"].outcome == "success"


def test_quarantine_stays_red_while_the_retry_list_holds_records(
    make_host: Callable[[str], FakeHost], scripted: ScriptedSections
) -> None:
    host = make_host(QUARANTINE)
    scripted.behaviours["journals"] = lambda ctx: ctx.error("out of balance", record="journal 9")
    sync_now(host)
    scripted.behaviours["journals"] = lambda ctx: None  # does not retry it
    sync_now(host)
    result = host.section_results()["journals"]
    assert result.outcome == "error"
    assert "journal 9" in result.messages[-1]


def test_a_section_level_error_holds_even_in_quarantine_mode(
    make_host: Callable[[str], FakeHost], scripted: ScriptedSections
) -> None:
    host = make_host(QUARANTINE)
    sync_now(host)
    before = host.runtime.store.sync_times()["payments"].sync_time
    scripted.behaviours["payments"] = lambda ctx: ctx.error("QuickBooks did not answer")
    sync_now(host)
    assert host.runtime.store.sync_times()["payments"].sync_time == before


def test_the_run_history_records_each_section(
    make_host: Callable[[str], FakeHost], scripted: ScriptedSections
) -> None:
    scripted.behaviours["items"] = lambda ctx: (ctx.count("created", 3), ctx.count("unchanged", 5))
    host = make_host("")
    sync_now(host)
    run = host.runs()[-1]
    store = host.runtime.store
    row = store.run_row(run.id)
    assert row is not None and row.outcome == "success" and row.finished_at is not None
    sections = {s.section: s for s in store.run_sections(run.id)}
    assert list(sections) == list(run.sections)
    assert (sections["items"].created, sections["items"].unchanged) == (3, 5)
    assert host.section_results()["items"].counts.created == 3
