"""The durable link between each host record and its QBO record (``tbSyncMap``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, exists, insert, select, tuple_, update
from sqlalchemy.orm import Session

from acctivate_qbo_plugin.crashpoints import crash_point
from acctivate_qbo_plugin.state.models import SyncMap
from acctivate_qbo_plugin.state.store import StateStore

__all__ = ["Link", "MappingStore"]

_IN_CHUNK = 500  # ids per IN (...) so no database's parameter limit is reached


@dataclass(frozen=True)
class Link:
    kind: str
    host_key: str
    qbo_entity: str
    qbo_id: str | None = None
    sync_token: str | None = None
    fingerprint: str | None = None
    qbo_updated_at: datetime | None = None
    state: str = "synced"
    natural_key: str | None = None
    attempts: int = 0
    host_changed_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.state == "pending"

    @property
    def failed(self) -> bool:
        return self.state == "failed"

    def with_(self, **changes: object) -> Link:
        return replace(self, **changes)  # type: ignore[arg-type]


_FIELDS = (
    "kind",
    "host_key",
    "qbo_entity",
    "qbo_id",
    "sync_token",
    "fingerprint",
    "qbo_updated_at",
    "state",
    "natural_key",
    "attempts",
    "host_changed_at",
)


def _link(row: SyncMap) -> Link:
    return Link(
        kind=row.kind,
        host_key=row.host_key,
        qbo_entity=row.qbo_entity,
        qbo_id=row.qbo_id,
        sync_token=row.sync_token,
        fingerprint=row.fingerprint,
        qbo_updated_at=row.qbo_updated_at,
        state=row.state,
        natural_key=row.natural_key,
        attempts=row.attempts,
        host_changed_at=row.host_changed_at,
    )


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


class MappingStore:
    """Reads and writes links; every write is one transaction."""

    def __init__(self, store: StateStore) -> None:
        self._store = store

    def links(self, kind: str, host_keys: Iterable[str]) -> dict[str, Link]:
        keys = list(dict.fromkeys(host_keys))
        found: dict[str, Link] = {}
        for chunk in _chunks(keys):
            for link in self._select(SyncMap.kind == kind, SyncMap.host_key.in_(chunk)):
                found[link.host_key] = link
        return found

    def by_qbo_ids(self, qbo_entity: str, qbo_ids: Iterable[str]) -> dict[str, Link]:
        ids = list(dict.fromkeys(qbo_ids))
        found: dict[str, Link] = {}
        for chunk in _chunks(ids):
            for link in self._select(SyncMap.qbo_entity == qbo_entity, SyncMap.qbo_id.in_(chunk)):
                if link.qbo_id is not None:
                    found[link.qbo_id] = link
        return found

    def _select(self, *conditions: Any) -> list[Link]:
        # Plain rows, not ORM objects: a review reads thousands of links at a time.
        table = SyncMap.__table__
        with self._store.engine.connect() as connection:
            rows = connection.execute(select(*(table.c[f] for f in _FIELDS)).where(*conditions))
            return [Link(*row) for row in rows]  # _FIELDS is Link's field order

    def settled_condition(
        self, kind: str
    ) -> Callable[[ColumnElement[Any], ColumnElement[Any]], ColumnElement[bool]]:
        """SQL for "this host row is in QBO as of its change time", for a host query in the
        same database to leave settled rows out (see :meth:`settled_stamps`)."""
        table = SyncMap.__table__

        def settled(key: ColumnElement[Any], changed_at: ColumnElement[Any]) -> ColumnElement[bool]:
            return exists().where(
                table.c.kind == kind,
                table.c.host_key == key,
                table.c.state == "synced",
                table.c.host_changed_at == changed_at,
            )

        return settled

    def settled_stamps(self, kind: str, since: datetime | None) -> dict[str, datetime]:
        """host key -> the host change time its synced link last matched, for links whose
        time is at or after ``since``: a review skips a row while its change time is that one.
        (One range scan: a review of thousands of rows must not cost thousands of lookups.)"""
        table = SyncMap.__table__
        query = select(table.c.host_key, table.c.host_changed_at).where(
            table.c.kind == kind, table.c.state == "synced", table.c.host_changed_at.is_not(None)
        )
        if since is not None:
            query = query.where(table.c.host_changed_at >= since)
        with self._store.engine.connect() as connection:
            return {key: stamp for key, stamp in connection.execute(query)}

    def qbo_ids(self, kind: str) -> dict[str, str]:
        """host key -> QBO Id for every synced record of a kind (for references)."""
        with self._store.session() as session:
            rows = session.execute(
                select(SyncMap.host_key, SyncMap.qbo_id).where(
                    SyncMap.kind == kind, SyncMap.qbo_id.is_not(None)
                )
            )
            return {key: qbo_id for key, qbo_id in rows}

    def pending(self, kind: str) -> list[Link]:
        with self._store.session() as session:
            rows = session.scalars(
                select(SyncMap).where(SyncMap.kind == kind, SyncMap.state == "pending")
            )
            return [_link(r) for r in rows]

    def save(self, links: Iterable[Link], *, connection: Connection | None = None) -> None:
        """Insert or replace links (by kind and host key) in one transaction.

        :param connection: write inside this connection's open transaction instead (the host's
            own, when its tables share the database), so host rows and their links commit
            together or not at all.
        """
        batch = {(link.kind, link.host_key): link for link in links}
        if not batch:
            return
        if connection is not None:
            with Session(bind=connection) as session:
                self._write(session, batch)
            return
        with self._store.session() as session, session.begin():
            self._write(session, batch)
            crash_point("mapping.saving")

    def _write(self, session: Session, batch: dict[tuple[str, str], Link]) -> None:
        # Bulk statements (one executemany for the new links, one for the known ones), not
        # an object per link: a push saves thousands of links, and the unit of work would
        # cost more than the push's own requests.
        now = datetime.now(UTC)
        keys = list(batch)
        table = SyncMap.__table__
        known: set[tuple[str, str]] = set()
        for start in range(0, len(keys), _IN_CHUNK):
            chunk = keys[start : start + _IN_CHUNK]
            query = select(table.c.kind, table.c.host_key).where(
                tuple_(table.c.kind, table.c.host_key).in_(chunk)
            )
            known.update((kind, host_key) for kind, host_key in session.execute(query))
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for key, link in batch.items():
            values = {name: getattr(link, name) for name in _FIELDS}
            values["updated_at"] = now
            (changed if key in known else new).append(values)
        if new:
            session.execute(insert(SyncMap), new)
        if changed:
            session.execute(update(SyncMap), changed)  # by primary key (kind, host_key)

    def remove(self, kind: str, host_keys: Iterable[str]) -> None:
        keys = list(host_keys)
        if not keys:
            return
        with self._store.session() as session, session.begin():
            for chunk in _chunks(keys):
                session.execute(
                    delete(SyncMap).where(SyncMap.kind == kind, SyncMap.host_key.in_(chunk))
                )
