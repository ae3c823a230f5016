"""The one object a section talks to while it runs: window, services, and its report."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal

from acctivate_qbo_plugin.config import Settings
from acctivate_qbo_plugin.state.store import NewLogEntry, RetryRecord, SectionSyncTime
from hookspecs import Counts, SyncRun

__all__ = ["Problem", "SectionContext"]

CountName = Literal["created", "updated", "deleted", "unchanged"]


@dataclass(frozen=True)
class Problem:
    """A warning or an error a section reported."""

    level: Literal["warning", "error"]
    message: str
    record: str | None = None
    qbo_id: str | None = None
    code: str | None = None
    fix_hint: str | None = None
    key: str | None = None
    """The record's key on the retry list (its host key); the label otherwise."""

    @property
    def retry_key(self) -> str | None:
        return self.key or self.record

    def log_entry(self) -> NewLogEntry:
        return NewLogEntry(
            level=self.level,
            message=self.message,
            record=self.record,
            qbo_id=self.qbo_id,
            code=self.code,
            fix_hint=self.fix_hint,
        )


@dataclass
class SectionContext:
    """Built by the engine for one section of one run.

    :ivar since: the section's sync times: review what changed after these (None = never
        synced: review everything).
    :ivar host_until: the window's upper bound on the host database's clock, read when the
        run started (one moment for all its sections); stored, minus the overlap, as the
        new sync time.
    :ivar retry: records that failed before (quarantine mode): retry these first, then call
        :meth:`passed` for each that now went through.
    :ivar services: what sections use to do their work (QBO client, host data); opaque here.
    """

    run: SyncRun
    section: str
    settings: Settings
    since: SectionSyncTime
    host_until: datetime
    services: Any = None
    retry: tuple[RetryRecord, ...] = ()
    _progress: Callable[[int, int | None], None] = lambda done, total: None
    _stop: threading.Event = field(default_factory=threading.Event)
    _log: Callable[[list[Problem]], None] | None = None
    counts: Counter[str] = field(default_factory=Counter)
    errors: list[Problem] = field(default_factory=list)
    """Every error (they decide the outcome and the retry list)."""
    shown: list[Problem] = field(default_factory=list)
    """The first problems, for the sync window; the sync log gets them all."""
    warning_count: int = 0
    passed_records: set[str] = field(default_factory=set)
    qbo_until: datetime | None = None
    _unlogged: list[Problem] = field(default_factory=list)
    qbo_side_clean: bool = False

    SHOWN: ClassVar[int] = 50
    LOG_EVERY: ClassVar[int] = 500
    """Problems go to the sync log in groups as they come: a 50,000-record push that warns
    on every record never holds them all in memory."""

    def __post_init__(self) -> None:
        self._retry_keys = frozenset(r.record for r in self.retry)

    # -- what happened -------------------------------------------------------------------

    def count(self, kind: CountName, n: int = 1) -> None:
        self.counts[kind] += n

    def progress(self, done: int, total: int | None) -> None:
        """Tell the host UI how far the section is."""
        self._progress(done, total)

    def warn(
        self,
        message: str,
        *,
        record: str | None = None,
        qbo_id: str | None = None,
        code: str | None = None,
        fix_hint: str | None = None,
    ) -> None:
        """Something the bookkeeper should know; the sync time still advances."""
        self.warning_count += 1
        self._add(Problem("warning", message, record, qbo_id, code, fix_hint))

    def error(
        self,
        message: str,
        *,
        record: str | None = None,
        qbo_id: str | None = None,
        code: str | None = None,
        fix_hint: str | None = None,
        key: str | None = None,
    ) -> None:
        """Something that must be fixed. With ``record``: that record failed (in quarantine
        mode it goes to the retry list, under ``key`` if given, and the rest moves on);
        without: the section as a whole failed and its sync time holds whatever the mode."""
        problem = Problem("error", message, record, qbo_id, code, fix_hint, key)
        self.errors.append(problem)
        self._add(problem)

    def _add(self, problem: Problem) -> None:
        if len(self.shown) < self.SHOWN:
            self.shown.append(problem)
        self._unlogged.append(problem)
        if len(self._unlogged) >= self.LOG_EVERY:
            self.flush_log()

    def flush_log(self) -> None:
        """Write the problems not yet in the sync log (the engine calls it at the end)."""
        if self._unlogged and self._log is not None:
            self._log(self._unlogged)
            self._unlogged = []

    def passed(self, record: str) -> None:
        """A record went through: if it was on the retry list (:attr:`retry`), it comes off.
        (Only those are remembered: the others are most of a large push.)"""
        if record in self._retry_keys:
            self.passed_records.add(record)

    def saw_qbo_time(self, time: datetime) -> None:
        """Report QBO's ``time`` from the section's first read of the window; the earliest is
        kept and becomes the QBO-side sync time (minus the overlap)."""
        if self.qbo_until is None or time < self.qbo_until:
            self.qbo_until = time

    def qbo_side_done(self) -> None:
        """The QBO side of the window was fully reviewed and nothing on it failed (the errors,
        if any, are about host records): its QBO sync time may advance even while the host
        side holds. A pushing section says so; a pulling one never does (its errors are about
        QBO records)."""
        self.qbo_side_clean = True

    def stop_requested(self) -> bool:
        """The host is closing; a long section may finish early at a safe point and report
        an error so its sync time holds."""
        return self._stop.is_set()

    def wait_for_stop(self, timeout: float | None) -> bool:
        """Wait up to ``timeout`` seconds, waking early if the host is closing; True if it is.
        For a section that must pause (e.g. a throttle back-off) without delaying shutdown."""
        return self._stop.wait(timeout)

    # -- read by the engine --------------------------------------------------------------

    def totals(self) -> Counts:
        return Counts(
            created=self.counts["created"],
            updated=self.counts["updated"],
            deleted=self.counts["deleted"],
            unchanged=self.counts["unchanged"],
            warnings=self.warning_count,
            errors=len(self.errors),
        )
