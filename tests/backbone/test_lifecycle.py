"""Start, stop and the host's safety: closing mid-sync, hangs, exceptions, several hosts."""

from __future__ import annotations

import importlib.metadata
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from acctivate_qbo_plugin import plugin
from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.runner import SyncRunner
from acctivate_qbo_plugin.sections import SectionContext
from hookspecs.manager import make_plugin_manager

from .conftest import ScriptedSections, write_config

BASE = """
[sync]
debounce_seconds = 0
max_delay_seconds = 0
sync_on_start = false
"""


def test_the_plugin_loads_through_the_acctivate_entry_point() -> None:
    (entry,) = [e for e in importlib.metadata.entry_points(group="acctivate") if e.name == "qbo"]
    assert entry.value == "acctivate_qbo_plugin.plugin"
    pm = make_plugin_manager()
    assert pm.get_plugin("qbo") is plugin
    assert "qbo" in dict(pm.list_name_plugin())


def test_closing_mid_run_finishes_the_current_section_and_starts_no_other(
    fake_host_factory: Callable[..., FakeHost], scripted: ScriptedSections, tmp_path: Path
) -> None:
    write_config(tmp_path, BASE)
    entered = threading.Event()
    finished_cleanly: list[bool] = []

    def long_section(ctx: SectionContext) -> None:
        entered.set()
        # Work until the host says it is closing, then finish the section properly.
        assert ctx.wait_for_stop(30)
        ctx.count("updated", 1)
        finished_cleanly.append(True)

    scripted.behaviours["customers"] = long_section
    host = fake_host_factory(data_dir=tmp_path, catalog=scripted.catalog())
    host.start()
    host.click_menu()
    assert entered.wait(30)

    runtime = host.runtime
    host.close()

    assert finished_cleanly == [True]
    assert [name for _, name in scripted.calls] == ["accounts", "code_tables", "customers"]
    result = host.run_results()[-1]
    assert result.stopped_early is True
    assert list(result.sections) == ["accounts", "code_tables", "customers"]
    store = runtime.store
    assert store.sync_times()["customers"].sync_time is not None  # written, not half-written
    assert "vendors" not in store.sync_times()
    row = store.run_row(host.runs()[-1].id)
    assert row.stopped_early and row.finished_at is not None


def test_closing_returns_in_bounded_time_even_if_a_section_hangs(
    fake_host_factory: Callable[..., FakeHost], scripted: ScriptedSections, tmp_path: Path
) -> None:
    write_config(tmp_path, BASE + "shutdown_timeout_seconds = 0.2\n")
    entered, never = threading.Event(), threading.Event()

    def hang(ctx: SectionContext) -> None:
        entered.set()
        never.wait(60)  # e.g. QuickBooks not answering

    scripted.behaviours["accounts"] = hang
    host = fake_host_factory(data_dir=tmp_path, catalog=scripted.catalog())
    host.start()
    host.click_menu()
    assert entered.wait(30)
    runner = host.runtime.runner
    started = time.monotonic()
    host.close()
    elapsed = time.monotonic() - started
    never.set()  # let the abandoned thread end before the test database goes away
    assert runner.wait_idle(30)
    assert elapsed < 5, f"host_closing took {elapsed:.1f} s"


def test_no_exception_from_the_plugin_reaches_the_host(
    fake_host_factory: Callable[..., FakeHost],
    scripted: ScriptedSections,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    write_config(tmp_path, BASE)
    host = fake_host_factory(data_dir=tmp_path, catalog=scripted.catalog())
    host.start()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("injected fault in the runner")

    monkeypatch.setattr(SyncRunner, "request", broken)
    host.fire_invoice_posted([1])  # must not raise
    host.fire_customer_created(2)
    host.click_menu()
    assert "injected fault in the runner" in caplog.text
    assert "acctivate_invoice_posted failed" in caplog.text


def test_events_before_start_are_kept_and_run_after_start(
    fake_host_factory: Callable[..., FakeHost], scripted: ScriptedSections, tmp_path: Path
) -> None:
    write_config(tmp_path, BASE)
    host = fake_host_factory(data_dir=tmp_path, catalog=scripted.catalog())
    host.fire_customer_created(1)
    assert scripted.calls == []
    host.start()
    host.wait_for_runs(1)
    assert host.runs()[0].sections == ("code_tables", "customers")


def test_two_hosts_in_one_process_have_their_own_runner_and_state(
    fake_host_factory: Callable[..., FakeHost], tmp_path: Path
) -> None:
    scripts = [ScriptedSections(), ScriptedSections()]
    hosts = []
    for n, script in enumerate(scripts):
        directory = tmp_path / f"company{n}"
        directory.mkdir()
        write_config(directory, BASE)
        hosts.append(
            fake_host_factory(
                data_dir=directory,
                database_url=f"sqlite:///{directory / 'company.db'}",
                catalog=script.catalog(),
            )
        )
    for host in hosts:
        host.start()
    hosts[0].fire_customer_created(1)
    hosts[1].fire_inventory_posted([5])
    for host in hosts:
        host.wait_for_runs(1)
    assert hosts[0].runs()[0].sections == ("code_tables", "customers")
    assert hosts[1].runs()[0].sections == ("accounts", "items", "inventory", "journals")
    assert hosts[0].runtime is not hosts[1].runtime
    assert hosts[0].runtime.store.engine.url != hosts[1].runtime.store.engine.url


def test_a_start_up_sync_runs_every_section_when_enabled(
    fake_host_factory: Callable[..., FakeHost], scripted: ScriptedSections, tmp_path: Path
) -> None:
    write_config(tmp_path, BASE.replace("sync_on_start = false", "sync_on_start = true"))
    host = fake_host_factory(data_dir=tmp_path, catalog=scripted.catalog())
    host.start()
    host.wait_for_runs(1)
    assert host.runs()[0].trigger == "startup"
    assert len(host.runs()[0].sections) == 10


def test_an_unreachable_database_is_reported_and_the_host_goes_on(
    fake_host_factory: Callable[..., FakeHost], scripted: ScriptedSections, tmp_path: Path
) -> None:
    write_config(tmp_path, BASE + "\n[database]\nurl = 'sqlite:////nonexistent/dir/x.db'\n")
    host = fake_host_factory(data_dir=tmp_path, catalog=scripted.catalog())
    host.start()
    host.click_menu()
    host.wait_for_call("acctivate_sync_finished")
    result = host.run_results()[-1]
    assert result.outcome == "error"
    assert "cannot open the sync database" in result.messages[0]
    assert "[database] url" in result.messages[0]
    host.wait_for_call("acctivate_sync_indicator_changed", count=3)
    assert host.indicator_states()[-1] == "attention"
    assert scripted.calls == []
