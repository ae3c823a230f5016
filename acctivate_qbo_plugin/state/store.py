"""Reading and writing the sync state: sync times, runs, the sync log and the retry list.

The engine is the only writer of sync times, and it writes a section's sync time, its run
record and its retry-list changes in ONE transaction, after the section's own writes are
committed: a crash leaves either the old state or the new one, never half of each.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from acctivate_qbo_plugin.crashpoints import crash_point
from acctivate_qbo_plugin.state.db import database_now, make_engine
from acctivate_qbo_plugin.state.models import (
    SyncLogEntry,
    SyncRetry,
    SyncRunRow,
    SyncRunSectionRow,
    SyncTime,
)
from acctivate_qbo_plugin.state.schema import ensure_schema

__all__ = [
    "LogRecord",
    "RetryRecord",
    "SectionState",
    "SectionSyncTime",
    "StateStore",
    "process_owner",
]


def process_owner() -> str:
    """This process, as recorded on the runs it starts."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class SectionSyncTime:
    section: str
    sync_time: datetime | None
    qbo_sync_time: datetime | None


@dataclass(frozen=True)
class LogRecord:
    """One line of the sync log."""

    id: int
    run_id: int | None
    section: str
    level: str
    logged_at: datetime
    message: str
    record: str | None = None
    qbo_id: str | None = None
    code: str | None = None
    fix_hint: str | None = None


@dataclass(frozen=True)
class RetryRecord:
    section: str
    record: str
    attempts: int
    first_failed_at: datetime
    last_failed_at: datetime
    code: str | None
    message: str


@dataclass(frozen=True)
class SectionState:
    """What ``status`` shows for a section."""

    section: str
    sync_time: datetime | None
    qbo_sync_time: datetime | None
    last_outcome: str | None
    last_finished_at: datetime | None
    retry_count: int


@dataclass(frozen=True)
class NewLogEntry:
    level: str
    message: str
    record: str | None = None
    qbo_id: str | None = None
    code: str | None = None
    fix_hint: str | None = None


class StateStore:
    """The plugin's tables in one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> StateStore:
        """Connect and bring the tables to the newest schema."""
        engine = make_engine(url)
        ensure_schema(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def session(self) -> Session:
        return self._sessions()

    def database_now(self) -> datetime:
        """The database clock (the host's clock, when the tables live in the host database)."""
        with self.engine.connect() as connection:
            return database_now(connection)

    # -- sync times ----------------------------------------------------------------------

    def sync_time(self, section: str) -> SectionSyncTime:
        with self.session() as session:
            row = session.get(SyncTime, section)
            if row is None:
                return SectionSyncTime(section, None, None)
            return SectionSyncTime(section, row.sync_time, row.qbo_sync_time)

    def sync_times(self) -> dict[str, SectionSyncTime]:
        with self.session() as session:
            rows = session.scalars(select(SyncTime)).all()
            return {
                r.section: SectionSyncTime(r.section, r.sync_time, r.qbo_sync_time) for r in rows
            }

    # -- runs ----------------------------------------------------------------------------

    def start_run(self, trigger: str, sections: Sequence[str], started_at: datetime) -> int:
        with self.session() as session, session.begin():
            row = SyncRunRow(
                trigger=trigger,
                sections=",".join(sections),
                started_at=started_at,
                owner=process_owner(),
            )
            session.add(row)
            session.flush()
            return row.id

    def close_interrupted_runs(self, now: datetime) -> list[tuple[int, str | None]]:
        """Runs left open by a process of this machine that no longer exists (it crashed or
        was killed): close them as ``interrupted``; return (run id, section it was in)."""
        here = socket.gethostname()
        closed = []
        with self.session() as session, session.begin():
            for row in session.scalars(select(SyncRunRow).where(SyncRunRow.finished_at.is_(None))):
                host, _, pid = (row.owner or "").rpartition(":")
                if host != here or not pid.isdigit() or _alive(int(pid)):
                    continue  # another machine's, or still running: not ours to judge
                last = session.scalars(
                    select(SyncRunSectionRow)
                    .where(SyncRunSectionRow.run_id == row.id)
                    .order_by(SyncRunSectionRow.id.desc())
                    .limit(1)
                ).first()
                row.finished_at = now
                row.outcome = "interrupted"
                if last is not None and last.finished_at is None:
                    last.finished_at = now
                    last.outcome = "interrupted"
                closed.append((row.id, last.section if last is not None else None))
        return closed

    def start_section(
        self, run_id: int, section: str, started_at: datetime, sync_time: datetime | None
    ) -> int:
        with self.session() as session, session.begin():
            row = SyncRunSectionRow(
                run_id=run_id, section=section, started_at=started_at, sync_time_before=sync_time
            )
            session.add(row)
            session.flush()
            return row.id

    def complete_section(
        self,
        run_section_id: int,
        *,
        outcome: str,
        counts: dict[str, int],
        finished_at: datetime,
        advance_to: SectionSyncTime | None,
        failed: Iterable[tuple[str, str | None, str]] = (),
        passed: Iterable[str] = (),
    ) -> None:
        """Record how a section ended and, if it may, advance its sync time: one transaction.

        :param advance_to: the new sync times, or None to hold them.
        :param failed: (record, code, message) to put on (or keep on) the retry list.
        :param passed: records to take off the retry list.
        """
        with self.session() as session, session.begin():
            row = session.get_one(SyncRunSectionRow, run_section_id)
            row.outcome = outcome
            row.finished_at = finished_at
            for name, value in counts.items():
                setattr(row, name, value)
            section = row.section
            passed = list(passed)
            if passed:
                session.execute(
                    delete(SyncRetry).where(
                        SyncRetry.section == section, SyncRetry.record.in_(passed)
                    )
                )
            for record, code, message in failed:
                retry = session.get(SyncRetry, (section, record))
                if retry is None:
                    session.add(
                        SyncRetry(
                            section=section,
                            record=record,
                            attempts=1,
                            first_failed_at=finished_at,
                            last_failed_at=finished_at,
                            code=code,
                            message=message,
                        )
                    )
                else:
                    retry.attempts += 1
                    retry.last_failed_at = finished_at
                    retry.code = code
                    retry.message = message
            crash_point("sync_time.saving")
            if advance_to is not None:
                current = session.get(SyncTime, section)
                if current is None:
                    current = SyncTime(section=section)
                    session.add(current)
                current.sync_time = advance_to.sync_time or current.sync_time
                current.qbo_sync_time = advance_to.qbo_sync_time or current.qbo_sync_time
                current.updated_at = finished_at
                row.sync_time_after = current.sync_time
            else:
                current = session.get(SyncTime, section)
                row.sync_time_after = current.sync_time if current else None

    def finish_run(
        self, run_id: int, outcome: str, finished_at: datetime, stopped_early: bool
    ) -> None:
        with self.session() as session, session.begin():
            row = session.get_one(SyncRunRow, run_id)
            row.outcome = outcome
            row.finished_at = finished_at
            row.stopped_early = stopped_early

    def section_states(self, sections: Iterable[str]) -> list[SectionState]:
        """Sync times, last outcome and retry count of each section, in the order given."""
        with self.session() as session:
            times = {r.section: r for r in session.scalars(select(SyncTime))}
            latest = (
                select(SyncRunSectionRow.section, func.max(SyncRunSectionRow.id).label("id"))
                .where(SyncRunSectionRow.outcome.is_not(None))
                .group_by(SyncRunSectionRow.section)
                .subquery()
            )
            last = {
                r.section: r
                for r in session.scalars(
                    select(SyncRunSectionRow).join(latest, SyncRunSectionRow.id == latest.c.id)
                )
            }
            retries = dict(
                session.execute(
                    select(SyncRetry.section, func.count()).group_by(SyncRetry.section)
                ).all()
            )
        states = []
        for name in sections:
            t, r = times.get(name), last.get(name)
            states.append(
                SectionState(
                    section=name,
                    sync_time=t.sync_time if t else None,
                    qbo_sync_time=t.qbo_sync_time if t else None,
                    last_outcome=r.outcome if r else None,
                    last_finished_at=r.finished_at if r else None,
                    retry_count=retries.get(name, 0),
                )
            )
        return states

    def run_row(self, run_id: int) -> SyncRunRow | None:
        with self.session() as session:
            return session.get(SyncRunRow, run_id)

    def run_sections(self, run_id: int) -> list[SyncRunSectionRow]:
        with self.session() as session:
            return list(
                session.scalars(
                    select(SyncRunSectionRow)
                    .where(SyncRunSectionRow.run_id == run_id)
                    .order_by(SyncRunSectionRow.id)
                )
            )

    # -- sync log ------------------------------------------------------------------------

    def add_log(
        self, run_id: int | None, section: str, logged_at: datetime, entries: Iterable[NewLogEntry]
    ) -> None:
        rows = [
            SyncLogEntry(run_id=run_id, section=section, logged_at=logged_at, **vars(entry))
            for entry in entries
        ]
        if not rows:
            return
        with self.session() as session, session.begin():
            session.add_all(rows)

    def log_entries(
        self,
        *,
        run_id: int | None = None,
        section: str | None = None,
        level: str | None = None,
        since: datetime | None = None,
        record: str | None = None,
        after_id: int | None = None,
        limit: int | None = 200,
        newest_first: bool = True,
    ) -> list[LogRecord]:
        """The sync log, filtered; ``record`` matches part of the record name."""
        query = select(SyncLogEntry)
        if run_id is not None:
            query = query.where(SyncLogEntry.run_id == run_id)
        if section is not None:
            query = query.where(SyncLogEntry.section == section)
        if level is not None:
            query = query.where(SyncLogEntry.level == level)
        if since is not None:
            query = query.where(SyncLogEntry.logged_at >= since)
        if record is not None:
            query = query.where(SyncLogEntry.record.contains(record, autoescape=True))
        if after_id is not None:
            query = query.where(SyncLogEntry.id > after_id)
        order = SyncLogEntry.id.desc() if newest_first else SyncLogEntry.id.asc()
        query = query.order_by(order)
        if limit is not None:
            query = query.limit(limit)
        with self.session() as session:
            return [
                LogRecord(
                    id=r.id,
                    run_id=r.run_id,
                    section=r.section,
                    level=r.level,
                    logged_at=r.logged_at,
                    message=r.message,
                    record=r.record,
                    qbo_id=r.qbo_id,
                    code=r.code,
                    fix_hint=r.fix_hint,
                )
                for r in session.scalars(query)
            ]

    # -- retry list ----------------------------------------------------------------------

    def retry_records(self, section: str) -> list[RetryRecord]:
        with self.session() as session:
            rows = session.scalars(
                select(SyncRetry).where(SyncRetry.section == section).order_by(SyncRetry.record)
            )
            return [
                RetryRecord(
                    r.section,
                    r.record,
                    r.attempts,
                    r.first_failed_at,
                    r.last_failed_at,
                    r.code,
                    r.message,
                )
                for r in rows
            ]
