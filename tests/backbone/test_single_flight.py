"""Never two syncs at once; events during a run coalesce into exactly one follow-up run."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.sections import SectionContext

from .conftest import ScriptedSections, write_config

FAST = """
[sync]
debounce_seconds = 0.05
max_delay_seconds = 1
sync_on_start = false
"""


def test_ten_thousand_events_from_8_threads_during_a_run_make_one_follow_up(
    fake_host_factory: Callable[..., FakeHost], scripted: ScriptedSections, tmp_path: Path
) -> None:
    write_config(tmp_path, FAST)
    entered, release = threading.Event(), threading.Event()

    def block_first_run(ctx: SectionContext) -> None:
        if ctx.run.id == 1:
            entered.set()
            assert release.wait(60), "the test never released the first run"

    scripted.behaviours["accounts"] = block_first_run
    host = fake_host_factory(data_dir=tmp_path, catalog=scripted.catalog())
    host.start()
    host.click_menu()
    assert entered.wait(30), "the first run did not start"

    events: list[Callable[[], None]] = [
        lambda: host.open_lookup("customer"),
        lambda: host.open_lookup("vendor"),
        lambda: host.search_list("items", "widget"),
        lambda: host.open_lookup("account"),
        lambda: host.fire_inventory_posted([7]),
        lambda: host.fire_invoice_posted([8]),
        lambda: host.fire_invoice_posted([9], "po_invoice"),
        lambda: host.fire_customer_created(10),
    ]
    slowest = [0.0] * 8
    failures: list[BaseException] = []

    def fire(worker: int) -> None:
        try:
            for n in range(1250):
                started = time.perf_counter()
                events[(worker + n) % len(events)]()
                slowest[worker] = max(slowest[worker], time.perf_counter() - started)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=fire, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Every event returned while the first run was still blocked: no hook waited on it.
    assert not any(t.is_alive() for t in threads)
    assert failures == []
    assert host.runtime.runner.running and not release.is_set()
    assert max(slowest) < 1.0, f"a hook call took {max(slowest):.3f} s"

    release.set()
    host.wait_for_runs(2)
    host.wait_until_idle()

    runs = host.runs()
    assert len(runs) == 2, [r.trigger for r in runs]
    follow_up = runs[1]
    expected = (
        "accounts", "code_tables", "customers", "vendors", "items",
        "invoices", "po_invoices", "inventory", "journals",
    )  # fmt: skip
    assert follow_up.sections == expected
    assert scripted.sections_of_run(follow_up.id) == list(expected)
    assert host.runtime.runner.requests_received == 10_001
    # Sections never overlapped: each run's sections were called strictly in sequence.
    assert [rid for rid, _ in scripted.calls] == sorted(rid for rid, _ in scripted.calls)
