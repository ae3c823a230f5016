"""The one object a section talks to while it runs: window, services, and its report."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

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
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    passed_records: set[str] = field(default_factory=set)
    qbo_until: datetime | None = None

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
        self.problems.append(Problem("warning", message, record, qbo_id, code, fix_hint))

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
        self.problems.append(Problem("error", message, record, qbo_id, code, fix_hint, key))

    def passed(self, record: str) -> None:
        """A record from :attr:`retry` went through: take it off the retry list."""
        self.passed_records.add(record)

    def saw_qbo_time(self, time: datetime) -> None:
        """Report QBO's ``time`` from the section's first read of the window; the earliest is
        kept and becomes the QBO-side sync time (minus the overlap)."""
        if self.qbo_until is None or time < self.qbo_until:
            self.qbo_until = time

    def stop_requested(self) -> bool:
        """The host is closing; a long section may finish early at a safe point and report
        an error so its sync time holds."""
        return self._stop.is_set()

    def wait_for_stop(self, timeout: float | None) -> bool:
        """Wait up to ``timeout`` seconds, waking early if the host is closing; True if it is.
        For a section that must pause (e.g. a throttle back-off) without delaying shutdown."""
        return self._stop.wait(timeout)

    # -- read by the engine --------------------------------------------------------------

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    def totals(self) -> Counts:
        return Counts(
            created=self.counts["created"],
            updated=self.counts["updated"],
            deleted=self.counts["deleted"],
            unchanged=self.counts["unchanged"],
            warnings=len(self.warnings),
            errors=len(self.errors),
        )
