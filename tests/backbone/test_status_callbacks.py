"""What the host UI is told: callbacks in order, on the runner thread, each state once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from acctivate_qbo_plugin.fake_host import FakeHost
from hookspecs import hookimpl

from .conftest import ScriptedSections, write_config

BASE = """
[sync]
debounce_seconds = 0
max_delay_seconds = 0
sync_on_start = false
"""


@pytest.fixture
def host(
    fake_host_factory: Callable[..., FakeHost], scripted: ScriptedSections, tmp_path: Path
) -> FakeHost:
    write_config(tmp_path, BASE + "\n[sections]\n" + "\n".join(
        f"{n} = false" for n in ("code_tables", "vendors", "items", "invoices", "po_invoices",
                                 "inventory", "journals", "payments")
    ))  # fmt: skip
    made = fake_host_factory(data_dir=tmp_path, catalog=scripted.catalog())
    made.start()
    return made


def sync_now(host: FakeHost) -> None:
    host.click_menu()
    host.wait_for_runs(len(host.runs()) + 1)
    host.wait_for_call("acctivate_sync_indicator_changed", count=len(host.runs()) * 2 + 1)


def test_the_indicator_goes_idle_syncing_idle_and_never_repeats(host: FakeHost) -> None:
    sync_now(host)
    sync_now(host)
    assert host.indicator_states() == ["idle", "syncing", "idle", "syncing", "idle"]


def test_a_warning_or_error_leaves_the_triangle_until_a_clean_run(
    host: FakeHost, scripted: ScriptedSections
) -> None:
    scripted.behaviours["customers"] = lambda ctx: ctx.warn("customer renamed in QuickBooks")
    sync_now(host)
    scripted.behaviours.clear()
    sync_now(host)
    assert host.indicator_states() == ["idle", "syncing", "attention", "syncing", "idle"]


def test_callbacks_arrive_in_order_on_the_runner_thread(
    host: FakeHost, scripted: ScriptedSections
) -> None:
    scripted.behaviours["customers"] = lambda ctx: [ctx.progress(n, 4) for n in range(5)]
    sync_now(host)
    calls = host.status_calls()
    names = [c.name.removeprefix("acctivate_") for c in calls]
    assert names == [
        "sync_indicator_changed",  # idle, at start
        "sync_indicator_changed",  # syncing
        "sync_started",
        "section_started", "section_progress", "section_finished",  # accounts
        "section_started", "section_progress",  # customers: 0 of ?
        "section_progress", "section_progress", "section_progress",
        "section_progress", "section_progress",  # 0..4 of 4
        "section_finished",
        "sync_finished",
        "sync_indicator_changed",  # idle
    ]  # fmt: skip
    progress = [
        (c.kwargs["done"], c.kwargs["total"])
        for c in calls
        if c.name == "acctivate_section_progress" and c.kwargs["section"] == "customers"
    ]
    assert progress == [(0, None), (0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    runner_threads = {c.thread for c in calls if c.name != "acctivate_sync_indicator_changed"}
    assert runner_threads == {host.runtime.runner._thread.name}
    assert threading.current_thread().name not in runner_threads


def test_progress_is_thinned_to_whole_percent(host: FakeHost, scripted: ScriptedSections) -> None:
    scripted.behaviours["customers"] = lambda ctx: [ctx.progress(n, 50_000) for n in range(50_001)]
    sync_now(host)
    sent = [
        c for c in host.calls_named("acctivate_section_progress")
        if c.kwargs["section"] == "customers"
    ]  # fmt: skip
    assert 100 <= len(sent) <= 102
    assert (sent[-1].kwargs["done"], sent[-1].kwargs["total"]) == (50_000, 50_000)


def test_a_host_ui_that_raises_does_not_stop_the_sync(host: FakeHost) -> None:
    class BrokenUi:
        @hookimpl
        def acctivate_section_finished(self, host, run, section, result):
            raise RuntimeError("the sync window was closed")

    host.pm.register(BrokenUi())
    sync_now(host)
    result = host.run_results()[-1]
    assert result.outcome == "success"
    assert set(result.sections) == {"accounts", "customers"}


def test_the_result_carries_counts_and_messages(host: FakeHost, scripted: ScriptedSections) -> None:
    def work(ctx):
        ctx.count("created", 2)
        ctx.warn("invoice 1043 total changed from 100.00 to 108.00", record="invoice 1043")

    scripted.behaviours["customers"] = work
    sync_now(host)
    result = host.run_results()[-1]
    assert result.outcome == "warning"
    assert result.counts.created == 2 and result.counts.warnings == 1
    assert result.messages == ("invoice 1043 total changed from 100.00 to 108.00",)
