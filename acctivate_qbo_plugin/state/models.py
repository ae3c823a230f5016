"""The plugin's own tables in the host database (created and upgraded by Alembic)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from acctivate_qbo_plugin.state.types import UtcDateTime

__all__ = [
    "Base",
    "SyncLogEntry",
    "SyncMap",
    "SyncRetry",
    "SyncRunRow",
    "SyncRunSectionRow",
    "SyncTime",
]


class Base(DeclarativeBase):
    pass


class SyncTime(Base):
    """``tbSyncTime``: each section's sync time, on each side's own clock.

    ``sync_time`` is on the host database's clock, ``qbo_sync_time`` on QBO's. Both are the
    start of the last fully reviewed window minus the overlap, and move only when the section
    ends without error (or, in quarantine mode, with its failures in ``tbSyncRetry``).
    """

    __tablename__ = "tbSyncTime"

    section: Mapped[str] = mapped_column(String(40), primary_key=True)
    sync_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    qbo_sync_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SyncRunRow(Base):
    """``tbSyncRun``: one row per sync run."""

    __tablename__ = "tbSyncRun"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trigger: Mapped[str] = mapped_column(String(40))
    sections: Mapped[str] = mapped_column(Text)  # comma-separated, in run order
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(12))
    stopped_early: Mapped[bool] = mapped_column(default=False)
    owner: Mapped[str | None] = mapped_column(String(100))  # "host:pid" of the process


class SyncRunSectionRow(Base):
    """``tbSyncRunSection``: how each section of a run ended."""

    __tablename__ = "tbSyncRunSection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("tbSyncRun.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(12))
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    deleted: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    sync_time_before: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sync_time_after: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_tbSyncRunSection_section_started", "section", "started_at"),)


class SyncLogEntry(Base):
    """``tbSyncLog``: every warning and error, with what to do about it."""

    __tablename__ = "tbSyncLog"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("tbSyncRun.id", ondelete="SET NULL"), index=True
    )
    section: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(10))  # "warning" or "error"
    logged_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    record: Mapped[str | None] = mapped_column(String(200))  # host record, e.g. "invoice 1043"
    qbo_id: Mapped[str | None] = mapped_column(String(40))
    code: Mapped[str | None] = mapped_column(String(20))  # QBO error code, or our own
    message: Mapped[str] = mapped_column(Text)
    fix_hint: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_tbSyncLog_section_logged", "section", "logged_at"),)


class SyncRetry(Base):
    """``tbSyncRetry``: records that failed, retried first on every run until they pass."""

    __tablename__ = "tbSyncRetry"

    section: Mapped[str] = mapped_column(String(40), primary_key=True)
    record: Mapped[str] = mapped_column(String(200), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=1)
    first_failed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_failed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    code: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)


class SyncMap(Base):
    """``tbSyncMap``: which QBO record each host record is, and what was last exchanged.

    ``fingerprint`` is a hash of the payload last sent to (or received from) QBO for this
    record: when the host record would produce the same payload again, nothing is sent.
    ``state`` is ``"pending"`` between deciding to create a record in QBO and learning its
    Id: a crash in that gap is found on the next run, which looks the record up in QBO (by
    its number or name) before ever creating it again; ``"failed"`` when QBO refused the
    create. ``attempts`` counts writes QBO refused since the last success: it goes into the
    next write's requestid, because QBO answers a repeated requestid with the first answer,
    refusal included.
    """

    __tablename__ = "tbSyncMap"

    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    host_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    qbo_entity: Mapped[str] = mapped_column(String(40))
    qbo_id: Mapped[str | None] = mapped_column(String(40))
    sync_token: Mapped[str | None] = mapped_column(String(20))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    qbo_updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    state: Mapped[str] = mapped_column(String(10), default="synced")
    natural_key: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(default=0)
    host_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """The host row's ``changed_at`` when it last matched what QBO has: while it is the
    same, re-reviewing the row costs nothing (it is not even read)."""
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ux_tbSyncMap_qbo", "qbo_entity", "qbo_id", unique=True),
        Index("ix_tbSyncMap_state", "kind", "state"),
        Index("ix_tbSyncMap_host_changed", "kind", "host_changed_at"),
    )
