"""How far behind each section is: records changed since it last reviewed them, per side.

Counted cheaply, never by reading records: on the host side one indexed ``COUNT`` per host
kind (:meth:`HostData.count_changed`), on the QBO side one ``SELECT COUNT(*)`` per QBO entity
of the sections that pull (at most seven queries). "Changed since" means after the upper
bound of the section's last reviewed window (its sync time plus the overlap): those records
are what the next run reviews. The count is an upper bound: a record changed twice counts
once, and on the QBO side of a two-way section the plugin's own writes of the last run count
too (the next run finds them unchanged and makes no call for them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from acctivate_qbo_plugin.config import Settings
from acctivate_qbo_plugin.qbo import NAME_LIST_ENTITIES, QboClient, count
from acctivate_qbo_plugin.sections.catalog import SectionCatalog
from acctivate_qbo_plugin.state.store import SectionSyncTime

__all__ = ["Waiting", "host_waiting", "open_counting_client", "qbo_waiting"]


@dataclass(frozen=True)
class Waiting:
    """Records waiting for one section on one side; ``count`` None when not counted."""

    count: int | None
    note: str | None = None


def _after(value: datetime | None, overlap: timedelta) -> datetime | None:
    return None if value is None else value + overlap


def host_waiting(
    count_changed: Callable[[str, datetime | None], int],
    catalog: SectionCatalog,
    times: dict[str, SectionSyncTime],
    settings: Settings,
) -> dict[str, Waiting]:
    """Host records waiting to go to QBO, for every section that pushes."""
    overlap = timedelta(seconds=settings.sync.overlap_seconds)
    waiting: dict[str, Waiting] = {}
    for section in catalog:
        kind = getattr(section, "kind", None)
        if not section.direction.pushes or kind is None:
            continue
        time = times.get(section.name)
        try:
            waiting[section.name] = Waiting(
                count_changed(kind, _after(time.sync_time if time else None, overlap))
            )
        except Exception as exc:  # a host with its own schema has no reference tables
            waiting[section.name] = Waiting(None, f"cannot count host records: {_short(exc)}")
    return waiting


def qbo_waiting(
    qbo: QboClient,
    catalog: SectionCatalog,
    times: dict[str, SectionSyncTime],
    settings: Settings,
) -> dict[str, Waiting]:
    """QBO records waiting to come to the host, for every enabled section that pulls (one
    ``COUNT`` query per entity; the first failure stops counting)."""
    overlap = timedelta(seconds=settings.sync.overlap_seconds)
    waiting: dict[str, Waiting] = {}
    failure: str | None = None
    for section in catalog:
        if not section.direction.pulls or not settings.enabled(section.name):
            continue
        if failure is not None:
            waiting[section.name] = Waiting(None, failure)
            continue
        time = times.get(section.name)
        since = _after(time.qbo_sync_time if time else None, overlap)
        total = 0
        try:
            for entity in section.qbo_entities:
                statement = count(entity)
                if entity in NAME_LIST_ENTITIES:
                    statement = statement.include_inactive()
                if since is not None:
                    # QBO's change times have whole seconds: a record of the same second may
                    # still be unreviewed, so the count starts at that second.
                    statement = statement.where(
                        "Metadata.LastUpdatedTime", ">=", since.replace(microsecond=0)
                    )
                total += qbo.count(statement).count
        except Exception as exc:
            failure = f"QuickBooks did not answer the count: {_short(exc)}"
            waiting[section.name] = Waiting(None, failure)
            continue
        waiting[section.name] = Waiting(total)
    return waiting


def open_counting_client(settings: Settings) -> QboClient:
    """A client for the counts: short timeouts and no retries or throttle waits, because a
    status command must answer at once; raises ``NotConnected`` when not connected."""
    from acctivate_qbo_plugin.connect import open_configured_client
    from acctivate_qbo_plugin.qbo import ClientSettings, RetryPolicy

    return open_configured_client(
        settings,
        ClientSettings(
            minorversion=settings.qbo.minor_version,
            connect_timeout=5.0,
            read_timeout=20.0,
            retry=RetryPolicy(max_attempts=1, max_elapsed=0.0, max_throttle_waits=0),
        ),
    )


def _short(exc: Any) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
