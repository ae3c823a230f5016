"""SIGKILL the sync at 24 points of a 300-record push; a clean rerun converges exactly once.

Points (acctivate_qbo_plugin/crashpoints.py) bracket every write: QBO's (a reply received but
not processed), the mapping's (mid-transaction), the host's, the sync time's, and the token
refresh's. The n-th occurrence picks which batch, section or transaction dies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .crash_lab import make_lab

SCENARIOS = [
    "run.started",
    "section.started:3",
    "section.started:6",
    "host.written:1",
    "host.written:2",
    "push.pending_saved:1",
    "push.pending_saved:4",
    "qbo.reply_received:4",
    "qbo.reply_received:9",
    "qbo.reply_received:14",
    "push.results_received:1",
    "push.results_received:2",
    "push.results_received:5",
    "push.results_received:6",
    "mapping.saving:2",
    "mapping.saving:5",
    "mapping.saving:9",
    "sync_time.saving:2",
    "sync_time.saving:6",
    "section.finished:5",
    "section.finished:9",
    "auth.refreshed:1",
    "auth.persisted:1",
    "run.finishing:1",
]


@pytest.mark.slow
@pytest.mark.parametrize("crash_at", SCENARIOS)
def test_a_crash_anywhere_loses_nothing_and_doubles_nothing(
    crash_at: str, tmp_path: Path, qbo_sandbox_factory, acctivate_database_url: str
) -> None:
    # Three processes sync back to back, each with its own client-side limiter: QBO's rate
    # limits across processes are not what this test is about (throttling has its own tests).
    sandbox = qbo_sandbox_factory(
        batch_per_minute=None, requests_per_minute=None, requests_per_second=None
    )
    lab = make_lab(tmp_path, sandbox, acctivate_database_url)
    lab.seed_day(300)
    lab.quickbooks_meanwhile()
    if crash_at.startswith("auth."):
        sandbox.expire_access_tokens()  # the crash run must refresh first

    crashed = lab.sync(crash_at=crash_at)
    assert crashed.returncode == -9, f"the child did not reach {crash_at}: {crashed.stdout[-2000:]}"

    rerun = lab.sync()
    assert rerun.returncode == 0, rerun.stdout[-3000:] + rerun.stderr[-3000:]
    store = lab.check_converged()
    states = {s.section: s for s in store.section_states(["customers", "invoices", "journals"])}
    assert all(s.last_outcome in ("success", "warning") for s in states.values())
    assert all(s.sync_time is not None for s in states.values())
    interrupted = [e for e in store.log_entries(limit=None) if e.code == "interrupted"]
    assert len(interrupted) == 1, "the sync log does not say a run was interrupted"
    assert "nothing was lost" in interrupted[0].message
    store.close()
