"""Read-only reports on the sync state for ``acctivate-qbo status`` and ``log --follow``.

Kept apart from :mod:`acctivate_qbo_plugin.state.store` (the engine's read-write store): these
queries only read, and each is one indexed query per section at most.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from acctivate_qbo_plugin.state.models import SyncLogEntry, SyncRetry, SyncRunRow, SyncRunSectionRow
from acctivate_qbo_plugin.state.store import StateStore

__all__ = [
    "OldestRetry",
    "RunEvent",
    "UnresolvedError",
    "latest_run_id",
    "oldest_retries",
    "run_event",
    "run_events_after",
    "unresolved_errors",
]

SUCCESSFUL = ("success", "warning")


@dataclass(frozen=True)
class UnresolvedError:
    """The first error of a section's current failing streak (its runs since the last one
    that ended without error)."""

    section: str
    logged_at: datetime
    run_id: int | None
    record: str | None
    code: str | None
    message: str
    fix_hint: str | None
    failed_runs: int
    """Runs of the section that ended in error since the last good one."""


@dataclass(frozen=True)
class OldestRetry:
    section: str
    record: str
    first_failed_at: datetime
    attempts: int
    code: str | None
    message: str


@dataclass(frozen=True)
class RunEvent:
    """A run that started or finished, for ``log --follow``."""

    run_id: int
    trigger: str
    sections: tuple[str, ...]
    started_at: datetime
    finished_at: datetime | None
    outcome: str | None


def unresolved_errors(store: StateStore, sections: Iterable[str]) -> dict[str, UnresolvedError]:
    """For each section whose last run ended in error: the oldest error since its last good
    run (the one to fix first; later ones often follow from it)."""
    names = list(sections)
    with store.session() as session:
        last_good = dict(
            session.execute(
                select(SyncRunSectionRow.section, func.max(SyncRunSectionRow.id))
                .where(SyncRunSectionRow.outcome.in_(SUCCESSFUL))
                .group_by(SyncRunSectionRow.section)
            ).all()
        )
        found: dict[str, UnresolvedError] = {}
        for name in names:
            since_good = SyncRunSectionRow.id > last_good.get(name, 0)
            failed_runs, first_run = session.execute(
                select(func.count(), func.min(SyncRunSectionRow.run_id)).where(
                    SyncRunSectionRow.section == name,
                    SyncRunSectionRow.outcome == "error",
                    since_good,
                )
            ).one()
            if not failed_runs:
                continue
            entry = session.scalars(
                select(SyncLogEntry)
                .where(
                    SyncLogEntry.section == name,
                    SyncLogEntry.level == "error",
                    SyncLogEntry.run_id >= first_run,
                )
                .order_by(SyncLogEntry.id)
                .limit(1)
            ).first()
            if entry is None:
                continue
            found[name] = UnresolvedError(
                section=name,
                logged_at=entry.logged_at,
                run_id=entry.run_id,
                record=entry.record,
                code=entry.code,
                message=entry.message,
                fix_hint=entry.fix_hint,
                failed_runs=int(failed_runs),
            )
    return found


def oldest_retries(store: StateStore, sections: Iterable[str]) -> dict[str, OldestRetry]:
    """For each section with records on the retry list: the one that failed first."""
    found: dict[str, OldestRetry] = {}
    with store.session() as session:
        for name in sections:
            row = session.scalars(
                select(SyncRetry)
                .where(SyncRetry.section == name)
                .order_by(SyncRetry.first_failed_at, SyncRetry.record)
                .limit(1)
            ).first()
            if row is not None:
                found[name] = OldestRetry(
                    name, row.record, row.first_failed_at, row.attempts, row.code, row.message
                )
    return found


def run_events_after(store: StateStore, run_id: int) -> list[RunEvent]:
    """Runs with an id above ``run_id``, oldest first."""
    with store.session() as session:
        rows = session.scalars(
            select(SyncRunRow).where(SyncRunRow.id > run_id).order_by(SyncRunRow.id)
        ).all()
    return [_event(row) for row in rows]


def run_event(store: StateStore, run_id: int) -> RunEvent | None:
    with store.session() as session:
        row = session.get(SyncRunRow, run_id)
    return None if row is None else _event(row)


def latest_run_id(store: StateStore) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.max(SyncRunRow.id))) or 0)


def _event(row: SyncRunRow) -> RunEvent:
    return RunEvent(
        run_id=row.id,
        trigger=row.trigger,
        sections=tuple(s for s in row.sections.split(",") if s),
        started_at=row.started_at,
        finished_at=row.finished_at,
        outcome=row.outcome,
    )
