"""The durable link between each host record and its QBO record (``tbSyncMap``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, select, tuple_
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

    @property
    def pending(self) -> bool:
        return self.state == "pending"

    @property
    def failed(self) -> bool:
        return self.state == "failed"

    def with_(self, **changes: object) -> Link:
        return replace(self, **changes)  # type: ignore[arg-type]


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
        with self._store.session() as session:
            for chunk in _chunks(keys):
                rows = session.scalars(
                    select(SyncMap).where(SyncMap.kind == kind, SyncMap.host_key.in_(chunk))
                )
                found.update((r.host_key, _link(r)) for r in rows)
        return found

    def by_qbo_ids(self, qbo_entity: str, qbo_ids: Iterable[str]) -> dict[str, Link]:
        ids = list(dict.fromkeys(qbo_ids))
        found: dict[str, Link] = {}
        with self._store.session() as session:
            for chunk in _chunks(ids):
                rows = session.scalars(
                    select(SyncMap).where(
                        SyncMap.qbo_entity == qbo_entity, SyncMap.qbo_id.in_(chunk)
                    )
                )
                found.update((r.qbo_id, _link(r)) for r in rows if r.qbo_id is not None)
        return found

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
        now = datetime.now(UTC)
        keys = list(batch)
        existing: dict[tuple[str, str], SyncMap] = {}
        for start in range(0, len(keys), _IN_CHUNK):
            chunk = keys[start : start + _IN_CHUNK]
            for row in session.scalars(
                select(SyncMap).where(tuple_(SyncMap.kind, SyncMap.host_key).in_(chunk))
            ):
                existing[(row.kind, row.host_key)] = row
        for key, link in batch.items():
            row = existing.get(key)
            if row is None:
                row = SyncMap(kind=link.kind, host_key=link.host_key)
                session.add(row)
            row.qbo_entity = link.qbo_entity
            row.qbo_id = link.qbo_id
            row.sync_token = link.sync_token
            row.fingerprint = link.fingerprint
            row.qbo_updated_at = link.qbo_updated_at
            row.state = link.state
            row.natural_key = link.natural_key
            row.attempts = link.attempts
            row.updated_at = now
        session.flush()

    def remove(self, kind: str, host_keys: Iterable[str]) -> None:
        keys = list(host_keys)
        if not keys:
            return
        with self._store.session() as session, session.begin():
            for chunk in _chunks(keys):
                session.execute(
                    delete(SyncMap).where(SyncMap.kind == kind, SyncMap.host_key.in_(chunk))
                )
