"""One QBO company (realm): its records, the lock around them, and direct "UI" edits.

All reads and writes of the store happen under :attr:`Company.lock`. Latency and injected
timeouts are applied before the lock is taken, so a slow request never holds up another.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

from acctivate_qbo_plugin.sandbox.clock import SandboxClock
from acctivate_qbo_plugin.sandbox.entities import REGISTRY, require_spec
from acctivate_qbo_plugin.sandbox.seed import seed_store
from acctivate_qbo_plugin.sandbox.settings import SandboxSettings
from acctivate_qbo_plugin.sandbox.store import EntityStore, Record
from acctivate_qbo_plugin.sandbox.timefmt import CompanyCalendar, parse_timezone
from acctivate_qbo_plugin.sandbox.validation import WriteContext
from acctivate_qbo_plugin.sandbox.writes import WriteService

SNAPSHOT_FORMAT = 1


@dataclass(frozen=True)
class Replay:
    """The response first given to a request carrying a ``requestid``."""

    status: int
    body: dict[str, Any]
    kind: str = "create"


class Company:
    def __init__(self, settings: SandboxSettings, clock: SandboxClock) -> None:
        self.settings = settings
        self.realm_id = settings.realm_id
        self.clock = clock
        self.calendar = CompanyCalendar(parse_timezone(settings.company_timezone))
        self.lock = threading.RLock()
        self.store = EntityStore(self.calendar.tz)
        self.writes = WriteService()
        self.replays: dict[str, Replay] = {}
        seed_store(
            self.store,
            self.calendar,
            clock.now(),
            full=settings.seed,
            book_close_date=settings.closing_date,
        )

    def context(self, *, reader: Any = None, minorversion: int | None = None) -> WriteContext:
        """A write context stamped now (call it under the lock)."""
        return WriteContext(
            now=self.clock.now(),
            calendar=self.calendar,
            store=self.store,
            reader=reader if reader is not None else self.store,
            minorversion=minorversion,
        )

    # --- inspection and direct edits (as if done in the QBO web UI) ----------------------------

    def entities(self, entity: str) -> list[Record]:
        require_spec(entity)
        with self.lock:
            records = list(self.store.values(entity))
        records.sort(key=lambda r: (not str(r.get("Id", "")).isdigit(), _id_key(r)))
        return copy.deepcopy(records)

    def entity(self, entity: str, entity_id: str) -> Record | None:
        require_spec(entity)
        with self.lock:
            record = self.store.get(entity, str(entity_id))
        return copy.deepcopy(record)

    def put_entity(self, entity: str, body: Record, *, keep_metadata: bool = False) -> Record:
        """Insert or replace a record directly, bypassing the API's rules (a "UI" edit).

        The Id is kept when given (else assigned); SyncToken is bumped when replacing, and
        MetaData is stamped now. With ``keep_metadata=True`` the body's SyncToken and MetaData
        are stored exactly as given (to load recorded QBO data byte for byte). Derived changes
        (balances, stock) are not applied: the record is stored as sent.
        """
        spec = require_spec(entity)
        if not isinstance(body, dict):
            raise ValueError(
                f"put_entity({entity!r}, ...) needs a JSON object (dict), got {type(body).__name__}"
            )
        record = copy.deepcopy(body)
        with self.lock:
            stamp = self.calendar.metadata_stamp(self.clock.now())
            entity_id = record.get("Id")
            if entity_id is None:
                entity_id = self.store.allocate_id(spec)
            entity_id = str(entity_id)
            existing = self.store.get(entity, entity_id)
            record.setdefault("domain", "QBO")
            record.setdefault("sparse", False)
            record["Id"] = entity_id
            if keep_metadata:
                record.setdefault("SyncToken", "0")
                meta = record.get("MetaData")
                if not isinstance(meta, dict) or "LastUpdatedTime" not in meta:
                    raise ValueError(
                        f"put_entity({entity!r}, keep_metadata=True) needs the body's "
                        "MetaData.LastUpdatedTime; pass keep_metadata=False to stamp it now"
                    )
            else:
                if existing is not None:
                    record["SyncToken"] = str(int(existing.get("SyncToken", "0")) + 1)
                    created = (existing.get("MetaData") or {}).get("CreateTime", stamp)
                else:
                    record["SyncToken"] = str(record.get("SyncToken", "0"))
                    created = stamp
                record["MetaData"] = {"CreateTime": created, "LastUpdatedTime": stamp}
            try:
                self.store.put(entity, record)
            except ValueError as exc:
                raise ValueError(f"put_entity({entity!r}, Id {entity_id!r}): {exc}") from None
            return copy.deepcopy(record)

    def delete_entity(self, entity: str, entity_id: str) -> None:
        """Delete a record directly; CDC then reports its ``status: Deleted`` stub."""
        require_spec(entity)
        with self.lock:
            entity_id = str(entity_id)
            if self.store.get(entity, entity_id) is None:
                raise LookupError(f"there is no {entity} with Id {entity_id!r} to delete")
            stamp = self.calendar.metadata_stamp(self.clock.now())
            stub = {
                "domain": "QBO",
                "status": "Deleted",
                "Id": entity_id,
                "MetaData": {"LastUpdatedTime": stamp},
            }
            self.store.remove(entity, entity_id, stub)

    def set_book_close_date(self, close_date: dt.date | str | None) -> None:
        """Change Preferences.AccountingInfoPrefs.BookCloseDate (None reopens every period)."""
        if isinstance(close_date, str):
            close_date = dt.date.fromisoformat(close_date)
        with self.lock:
            prefs = copy.deepcopy(self.store.get("Preferences", "1") or {})
            info = prefs.setdefault("AccountingInfoPrefs", {})
            if close_date is None:
                info.pop("BookCloseDate", None)
            else:
                info["BookCloseDate"] = close_date.isoformat()
        self.put_entity("Preferences", prefs)

    # --- persistence ---------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            store = self.store
            names = sorted(set(store.entity_names()) | {n for n in _tombstoned(store)})
            return {
                "format": SNAPSHOT_FORMAT,
                "realm_id": self.realm_id,
                "entities": {name: list(store.values(name)) for name in names if store.count(name)},
                "tombstones": {
                    name: store.tombstones(name) for name in names if store.tombstones(name)
                },
                "voided": sorted([list(key) for key in store.voided]),
                "counters": store.counters,
                "replays": {
                    rid: {"status": r.status, "body": r.body, "kind": r.kind}
                    for rid, r in self.replays.items()
                },
            }

    def restore(self, data: dict[str, Any]) -> None:
        if data.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(
                f"the sandbox persistence file has format {data.get('format')!r}, expected "
                f"{SNAPSHOT_FORMAT}; delete it to start from the seed company"
            )
        with self.lock:
            store = EntityStore(self.calendar.tz)
            for name, records in (data.get("entities") or {}).items():
                require_spec(name)
                for record in records:
                    store.put(name, record)
            for name, stubs in (data.get("tombstones") or {}).items():
                for stub in stubs:
                    store.remove(name, stub["Id"], stub)
            store.voided = {(name, entity_id) for name, entity_id in data.get("voided") or []}
            store.restore_counters(data.get("counters") or {})
            self.store = store
            self.replays = {
                rid: Replay(int(r["status"]), r["body"], str(r.get("kind", "create")))
                for rid, r in (data.get("replays") or {}).items()
            }


def _id_key(record: Record) -> tuple[int, str]:
    text = str(record.get("Id", ""))
    return (int(text), "") if text.isdigit() else (0, text)


def _tombstoned(store: EntityStore) -> list[str]:
    return [name for name in REGISTRY if store.tombstones(name)]
