"""Named places where a fault-injection test may kill the process, to prove a crash there
loses nothing and doubles nothing.

Off unless the environment variable ``ACCTIVATE_QBO_CRASH_AT`` is set when the process
starts, to ``name`` or ``name:n`` (die the n-th time that point is reached, default 1). Then
the process ends as abruptly as a power cut would end it: SIGKILL, no ``finally``, no flush.
The cost when off is one global read.
"""

from __future__ import annotations

import os
import signal
import threading

__all__ = ["CRASH_ENV", "POINTS", "crash_point"]

CRASH_ENV = "ACCTIVATE_QBO_CRASH_AT"

POINTS = (
    "run.started",  # the run is recorded, nothing synced yet
    "section.started",  # a section's run record exists, its window is read
    "host.written",  # a pull wrote host rows; their mapping is not written yet
    "push.pending_saved",  # creates are marked pending; the batch is not sent yet
    "qbo.reply_received",  # QBO answered (and committed); the answer is not processed yet
    "push.results_received",  # a batch's results are parsed; the mapping is not written yet
    "mapping.saving",  # inside the mapping transaction, before it commits
    "sync_time.saving",  # inside the section's closing transaction, before it commits
    "section.finished",  # a section's result and sync time are committed
    "auth.refreshed",  # the token endpoint answered a refresh; the pair is not persisted yet
    "auth.persisted",  # the new token pair is persisted; it is not used yet
    "run.finishing",  # every section ended; the run record is not closed yet
)


def _plan() -> tuple[str, int] | None:
    value = os.environ.get(CRASH_ENV, "").strip()
    if not value:
        return None
    name, _, count = value.partition(":")
    if name not in POINTS:
        raise ValueError(f"{CRASH_ENV}={value!r}: unknown point; points are {', '.join(POINTS)}")
    return name, int(count or 1)


_PLAN = _plan()
_seen: dict[str, int] = {}
_lock = threading.Lock()


def crash_point(name: str) -> None:
    """Die here if this is the planned point and occurrence (tests only; see module doc)."""
    if _PLAN is None or _PLAN[0] != name:
        return
    with _lock:
        _seen[name] = _seen.get(name, 0) + 1
        if _seen[name] != _PLAN[1]:
            return
    kill = getattr(signal, "SIGKILL", None)
    if kill is not None:
        os.kill(os.getpid(), kill)
    os._exit(137)  # pragma: no cover - where there is no SIGKILL
