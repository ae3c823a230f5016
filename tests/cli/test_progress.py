"""Progress on long work: thousands of records show counts and an estimate, in the CLI (a bar
in a terminal, lines in a log) and through ``acctivate_section_progress`` to the host."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from acctivate_qbo_plugin.cli.sync_window import TerminalSyncWindow
from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.local_setup import connect_local_sandbox
from acctivate_qbo_plugin.sandbox import SandboxServer
from hookspecs import Counts, SectionResult, SyncResult, SyncRun
from tests.cli.process import run_cli

VENDORS = 2000
UNLIMITED = {"requests_per_minute": None, "requests_per_second": None, "batch_per_minute": None}


def _many_vendors(sandbox: SandboxServer) -> int:
    for number in range(VENDORS):
        sandbox.put_entity("Vendor", {"DisplayName": f"Bulk Vendor {number:05d}", "Active": True})
    return len(sandbox.entities("Vendor"))


def test_thousands_of_records_report_thinned_progress_to_the_host(
    connected_host_factory: Callable[..., FakeHost],
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(**UNLIMITED)
    total = _many_vendors(sandbox)
    host = connected_host_factory(sandbox=sandbox, sections={"items": False})

    result = host.sync_now()

    assert result.sections["vendors"].counts.created == total
    reports = [
        (call.kwargs["done"], call.kwargs["total"])
        for call in host.calls_named("acctivate_section_progress")
        if call.kwargs["section"] == "vendors"
    ]
    assert reports[0] == (0, None)  # counting
    assert {t for _, t in reports[1:]} == {total}  # then always the total
    done = [d for d, _ in reports]
    assert done == sorted(done) and reports[-1] == (total, total)
    assert len({d for d in done if 0 < d < total}) >= 4  # it moves while it works...
    assert len(reports) <= 102  # ...thinned to whole percents for the host UI
    threads = {call.thread for call in host.calls_named("acctivate_section_progress")}
    assert len(threads) == 1 and threads.pop().startswith("acctivate-qbo-sync[")


def test_the_cli_prints_counts_and_an_estimate_when_not_a_terminal(
    tmp_path: Path,
    qbo_sandbox_factory: Callable[..., SandboxServer],
    acctivate_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sandbox = qbo_sandbox_factory(**UNLIMITED)
    total = _many_vendors(sandbox)
    connect_local_sandbox(tmp_path, sandbox, {"database": {"url": acctivate_database_url}})

    code, out, err = run_cli(monkeypatch, capsys, "sync", "--section", "vendors", cwd=tmp_path)

    assert code == 0, out + err
    lines = [line.strip() for line in out.splitlines() if "vendors:" in line]
    steps = [line for line in lines if line.startswith("… vendors:")]
    pattern = re.compile(
        rf"… vendors: [\d,]+/{total:,} records \(\d+%\), "
        r"(estimating…|about \d+:\d\d:\d\d left)$"
    )
    assert 4 <= len(steps) <= 10, lines
    assert all(pattern.match(line) for line in steps), steps
    assert any("left" in line for line in steps)  # an estimate once the pace is known
    assert re.search(rf"✓ vendors: {total} created \({total:,} records, took \d+:\d\d:\d\d\)", out)


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_terminal_window_draws_a_bar_with_counts_and_an_estimate() -> None:
    clock = _Clock()
    screen = io.StringIO()
    window = TerminalSyncWindow(
        Console(file=screen, force_terminal=True, width=120, color_system=None), get_time=clock
    )
    run = SyncRun(id=7, trigger="menu", sections=("vendors",), started_at=datetime.now(UTC))

    window.acctivate_sync_started(run=run)
    window.acctivate_section_started(section="vendors")
    window.acctivate_section_progress(section="vendors", done=0, total=None)
    assert "counting…" in screen.getvalue()
    window.acctivate_section_progress(section="vendors", done=500, total=3000)
    clock.now += 1.0  # 500 records a second
    window.acctivate_section_progress(section="vendors", done=1000, total=3000)
    frame = screen.getvalue().rsplit("vendors", 1)[-1]
    assert "1000/3000" in frame and "33%" in frame
    assert "about 0:00:04 left" in frame  # 2000 to go at 500 a second
    clock.now += 4.0
    window.acctivate_section_progress(section="vendors", done=3000, total=3000)
    result = SectionResult("vendors", "success", Counts(created=3000))
    window.acctivate_section_finished(section="vendors", result=result)
    window.acctivate_sync_finished(
        run=run, result=SyncResult("success", {"vendors": result}, Counts(created=3000))
    )

    final = screen.getvalue()
    assert "✓ vendors: 3000 created" in final and "3000/3000" in final
    assert "took 0:00:05" in final
    assert final.rstrip().endswith("✓ success: 3000 created")


@pytest.mark.parametrize("live", [True, False])
def test_an_empty_section_finishes_cleanly(live: bool) -> None:
    screen = io.StringIO()
    window = TerminalSyncWindow(Console(file=screen, width=120), live=live)
    run = SyncRun(id=1, trigger="cli", sections=("payments",), started_at=datetime.now(UTC))
    window.acctivate_sync_started(run=run)
    window.acctivate_section_started(section="payments")
    result = SectionResult("payments", "success")
    window.acctivate_section_finished(section="payments", result=result)
    window.acctivate_sync_finished(run=run, result=SyncResult("success", {"payments": result}))
    assert "✓ payments: nothing to do" in screen.getvalue()
