"""The realm's records and the indexes that keep queries and CDC fast.

Records are plain JSON dicts that are never mutated once stored: every write stores a new dict.
That lets responses be serialized outside the lock and lets a batch keep pre-images cheaply.

Indexes: by entity and Id; per entity a list of ``(LastUpdatedTime, change seq, Id)`` kept
sorted (CDC bisects it instead of scanning); names (DisplayName across Customer/Vendor/Employee,
Name/FullyQualifiedName elsewhere) and DocNumbers for the duplicate checks.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from acctivate_qbo_plugin.sandbox.entities import PARTIES, PARTY_GROUP, EntitySpec, require_spec
from acctivate_qbo_plugin.sandbox.timefmt import parse_instant

Record = dict[str, Any]
ChangeKey = tuple[int, int, str]  # (LastUpdatedTime epoch seconds, change sequence, Id)


@dataclass
class _Table:
    records: dict[str, Record] = field(default_factory=dict)
    tombstones: dict[str, Record] = field(default_factory=dict)
    changes: list[ChangeKey] = field(default_factory=list)
    change_key: dict[str, ChangeKey] = field(default_factory=dict)


class Reader:
    """Read access to records: the live store, or a batch's view of the store before it ran."""

    def get(self, entity: str, entity_id: str) -> Record | None:
        raise NotImplementedError

    def values(self, entity: str) -> Iterator[Record]:
        raise NotImplementedError


class EntityStore(Reader):
    def __init__(self, tz: dt.tzinfo) -> None:
        self._tz = tz
        self._tables: dict[str, _Table] = {}
        self._sequence = 0
        self._id_counters: dict[str, int] = {}
        self._names: dict[tuple[str, str], set[tuple[str, str]]] = {}
        self._doc_numbers: dict[tuple[str, str], set[str]] = {}
        self._max_doc_number: dict[str, int] = {}
        self.voided: set[tuple[str, str]] = set()
        self._stash: dict[tuple[str, str], Record | None] | None = None

    # --- reads ------------------------------------------------------------------------------

    def _table(self, entity: str) -> _Table:
        table = self._tables.get(entity)
        if table is None:
            table = self._tables[entity] = _Table()
        return table

    def get(self, entity: str, entity_id: str) -> Record | None:
        table = self._tables.get(entity)
        return None if table is None else table.records.get(entity_id)

    def values(self, entity: str) -> Iterator[Record]:
        table = self._tables.get(entity)
        return iter(()) if table is None else iter(list(table.records.values()))

    def count(self, entity: str) -> int:
        table = self._tables.get(entity)
        return 0 if table is None else len(table.records)

    def entity_names(self) -> list[str]:
        return sorted(name for name, table in self._tables.items() if table.records)

    def tombstone(self, entity: str, entity_id: str) -> Record | None:
        table = self._tables.get(entity)
        return None if table is None else table.tombstones.get(entity_id)

    def tombstones(self, entity: str) -> list[Record]:
        table = self._tables.get(entity)
        return [] if table is None else list(table.tombstones.values())

    def changes_since(self, entity: str, since: float) -> list[ChangeKey]:
        """Change keys with LastUpdatedTime >= ``since`` (seconds), oldest first."""
        table = self._tables.get(entity)
        if table is None:
            return []
        start = bisect.bisect_left(table.changes, (math.ceil(since), -1, ""))
        return table.changes[start:]

    def current(self, entity: str, entity_id: str) -> Record | None:
        """The live record, or its deletion stub."""
        return self.get(entity, entity_id) or self.tombstone(entity, entity_id)

    def last_updated(self, entity: str, entity_id: str) -> int | None:
        table = self._tables.get(entity)
        key = None if table is None else table.change_key.get(entity_id)
        return None if key is None else key[0]

    # --- writes -----------------------------------------------------------------------------

    def put(self, entity: str, record: Record) -> None:
        """Insert or replace ``record`` (keyed by its Id); the dict must not change afterwards."""
        spec = require_spec(entity)
        entity_id = record["Id"]
        table = self._table(entity)
        self._remember_pre_image(entity, entity_id)
        previous = table.records.get(entity_id)
        if previous is not None:
            self._unindex(spec, previous)
        table.tombstones.pop(entity_id, None)
        table.records[entity_id] = record
        self._index(spec, record)
        self._move_change_key(table, entity_id, self.lut_epoch(record))
        self.note_id(spec, entity_id)

    def remove(self, entity: str, entity_id: str, stub: Record) -> None:
        """Delete a record, keeping ``stub`` for CDC (``status: Deleted``)."""
        spec = require_spec(entity)
        table = self._table(entity)
        self._remember_pre_image(entity, entity_id)
        previous = table.records.pop(entity_id, None)
        if previous is not None:
            self._unindex(spec, previous)
        table.tombstones[entity_id] = stub
        self.voided.discard((entity, entity_id))
        self._move_change_key(table, entity_id, self.lut_epoch(stub))

    def _move_change_key(self, table: _Table, entity_id: str, lut: int) -> None:
        old = table.change_key.get(entity_id)
        if old is not None:
            index = bisect.bisect_left(table.changes, old)
            if index < len(table.changes) and table.changes[index] == old:
                del table.changes[index]
        self._sequence += 1
        key = (lut, self._sequence, entity_id)
        bisect.insort(table.changes, key)
        table.change_key[entity_id] = key

    def lut_epoch(self, record: Record) -> int:
        stamp = (record.get("MetaData") or {}).get("LastUpdatedTime")
        instant = parse_instant(stamp, self._tz)
        if instant is None:
            raise ValueError(
                f"record Id {record.get('Id')!r} has no valid MetaData.LastUpdatedTime ({stamp!r})"
            )
        return int(instant.timestamp())

    # --- Id sequences ---------------------------------------------------------------------

    def allocate_id(self, spec: EntitySpec) -> str:
        next_id = self._id_counters.get(spec.id_group, 0) + 1
        while self._id_taken(spec, str(next_id)):
            next_id += 1
        self._id_counters[spec.id_group] = next_id
        return str(next_id)

    @property
    def counters(self) -> dict[str, int]:
        """The Id sequences (for persistence)."""
        return dict(self._id_counters)

    def restore_counters(self, counters: dict[str, int]) -> None:
        for group, value in counters.items():
            self._id_counters[group] = max(self._id_counters.get(group, 0), int(value))

    def next_in_sequence(self, group: str, *, floor: int = 0) -> str:
        """The next number of a plain counter (e.g. address Ids, which have their own)."""
        next_value = max(self._id_counters.get(group, 0), floor) + 1
        self._id_counters[group] = next_value
        return str(next_value)

    def _id_taken(self, spec: EntitySpec, entity_id: str) -> bool:
        names = PARTIES if spec.id_group == PARTY_GROUP else (spec.name,)
        return any(
            self.get(name, entity_id) is not None or self.tombstone(name, entity_id) is not None
            for name in names
        )

    def note_id(self, spec: EntitySpec, entity_id: str) -> None:
        if entity_id.isdigit():
            counter = self._id_counters.get(spec.id_group, 0)
            self._id_counters[spec.id_group] = max(counter, int(entity_id))

    # --- uniqueness indexes ------------------------------------------------------------------

    @staticmethod
    def name_key(spec: EntitySpec, record: Record) -> tuple[str, str] | None:
        if spec.name_field is None:
            return None
        value = record.get(spec.name_field) or record.get("Name")
        if not isinstance(value, str):
            return None
        namespace = PARTY_GROUP if spec.name in PARTIES else spec.name
        return namespace, value.casefold()

    def holders_of_name(self, spec: EntitySpec, record: Record) -> set[tuple[str, str]]:
        key = self.name_key(spec, record)
        return set() if key is None else set(self._names.get(key, ()))

    def holders_of_doc_number(self, entity: str, doc_number: str) -> set[str]:
        return set(self._doc_numbers.get((entity, doc_number.casefold()), ()))

    def next_doc_number(self, entity: str) -> str:
        candidate = max(self._max_doc_number.get(entity, 1000), 1000) + 1
        while self.holders_of_doc_number(entity, str(candidate)):
            candidate += 1
        return str(candidate)

    def _index(self, spec: EntitySpec, record: Record) -> None:
        key = self.name_key(spec, record)
        if key is not None:
            self._names.setdefault(key, set()).add((spec.name, record["Id"]))
        doc = record.get("DocNumber")
        if spec.is_transaction and isinstance(doc, str) and doc:
            self._doc_numbers.setdefault((spec.name, doc.casefold()), set()).add(record["Id"])
            if doc.isdigit():
                current = self._max_doc_number.get(spec.name, 0)
                self._max_doc_number[spec.name] = max(current, int(doc))

    def _unindex(self, spec: EntitySpec, record: Record) -> None:
        key = self.name_key(spec, record)
        if key is not None and key in self._names:
            self._names[key].discard((spec.name, record["Id"]))
            if not self._names[key]:
                del self._names[key]
        doc = record.get("DocNumber")
        doc_key = (spec.name, doc.casefold()) if isinstance(doc, str) else None
        if doc_key is not None and doc_key in self._doc_numbers:
            self._doc_numbers[doc_key].discard(record["Id"])
            if not self._doc_numbers[doc_key]:
                del self._doc_numbers[doc_key]

    # --- batch views ----------------------------------------------------------------------

    def begin_view(self) -> BatchView:
        """Start remembering pre-images: a batch's items must not see each other's results."""
        self._stash = {}
        return BatchView(self, self._stash)

    def end_view(self) -> None:
        self._stash = None

    def _remember_pre_image(self, entity: str, entity_id: str) -> None:
        if self._stash is not None and (entity, entity_id) not in self._stash:
            self._stash[(entity, entity_id)] = self.get(entity, entity_id)


class BatchView(Reader):
    """The store as it was when the batch started (writes made by the batch are invisible)."""

    def __init__(self, store: EntityStore, stash: dict[tuple[str, str], Record | None]) -> None:
        self._store = store
        self._stash = stash

    def get(self, entity: str, entity_id: str) -> Record | None:
        key = (entity, entity_id)
        if key in self._stash:
            return self._stash[key]
        return self._store.get(entity, entity_id)

    def values(self, entity: str) -> Iterator[Record]:
        touched = {eid: rec for (name, eid), rec in self._stash.items() if name == entity}
        for record in self._store.values(entity):
            if record["Id"] not in touched:
                yield record
        for record in touched.values():
            if record is not None:
                yield record
