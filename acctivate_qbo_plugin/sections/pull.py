"""Pulling QBO records into the host: the shared loop of the QBO -> host sections.

A unit maps one QBO entity to one host kind. Each changed QBO record is compared with the
mapping: an unchanged SyncToken or fingerprint costs nothing; otherwise the host row is
created (or linked to an existing row of the same name on the first sync) or updated.
Deactivated records deactivate the host row; deleted ones too, and a host row that has
transactions is never deleted — that is a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import Connection

from acctivate_qbo_plugin.crashpoints import crash_point
from acctivate_qbo_plugin.qbo import DeletedStub
from acctivate_qbo_plugin.sections.base import Direction, Section
from acctivate_qbo_plugin.sections.context import SectionContext
from acctivate_qbo_plugin.sections.qbo_changes import fetch_changes
from acctivate_qbo_plugin.sections.support import (
    RecordProblem,
    References,
    fingerprint,
    parse_qbo_time,
)
from acctivate_qbo_plugin.state.mapping import Link, MappingStore

__all__ = ["PullSection", "PullUnit", "apply_pulled"]

CHUNK = 500


@dataclass(frozen=True)
class PullUnit:
    """One QBO entity pulled into one host kind.

    :param to_host: QBO record -> host fields (raise RecordProblem for one that cannot go;
        a ``"_warnings"`` list in the fields is reported as warnings, not stored).
    :param name: the QBO field that names a record (to link an existing host row, and to
        name it in the sync log).
    """

    qbo_entity: str
    kind: str
    to_host: Callable[[dict[str, Any], References], dict[str, Any]]
    name: Callable[[dict[str, Any]], str]
    label: str
    adopt_by_name: bool = True
    """On a first sync, link a QBO record to an unlinked host row of the same name (lists
    the host may already have). Off for customers: a same-named new host customer must meet
    QBO's duplicate-name check instead of being merged silently."""

    def describe(self, entity: dict[str, Any]) -> str:
        return f"{self.label} {self.name(entity)!r}"


def apply_pulled(
    ctx: SectionContext,
    unit: PullUnit,
    rows: list[dict[str, Any]],
    stubs: list[DeletedStub],
    refs: References,
    *,
    keep_host_version: Callable[[Link, dict[str, Any]], bool] | None = None,
    host_fingerprints: Callable[[list[str]], dict[str, str]] | None = None,
) -> None:
    """Apply QBO's changed and deleted records of one unit to the host.

    :param keep_host_version: for two-way sections: True when the host changed the record
        too and its version wins (it is pushed afterwards instead).
    :param host_fingerprints: for two-way sections: the fingerprints to store, computed from
        the host records as they are after the update (so the push side sees them unchanged).
    """
    host, mapping = ctx.services.host, ctx.services.mapping
    total = len(rows) + len(stubs)
    done = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        done += len(chunk)
        links = mapping.by_qbo_ids(unit.qbo_entity, [r["Id"] for r in chunk if "Id" in r])
        new_names = [unit.name(r) for r in chunk if r.get("Id") not in links]
        existing = host.find_keys(unit.kind, new_names) if new_names else {}
        existing_links = mapping.links(unit.kind, existing.values())
        writes: list[tuple[str | None, dict[str, Any], dict[str, Any], str]] = []
        kept: list[Link] = []
        for entity in chunk:
            qbo_id = entity.get("Id")
            if not isinstance(qbo_id, str):
                ctx.warn(f"QuickBooks sent a {unit.qbo_entity} without an Id; it was skipped")
                continue
            link = links.get(qbo_id)
            if link is not None and link.sync_token == entity.get("SyncToken"):
                ctx.count("unchanged")
                continue
            if link is not None and keep_host_version and keep_host_version(link, entity):
                continue
            try:
                fields = unit.to_host(entity, refs)
            except RecordProblem as problem:
                ctx.error(
                    problem.message,
                    record=unit.describe(entity),
                    qbo_id=qbo_id,
                    code=problem.code,
                    fix_hint=problem.fix_hint,
                )
                continue
            for note in fields.pop("_warnings", ()):
                ctx.warn(note, record=unit.describe(entity), qbo_id=qbo_id)
            received = fingerprint(fields)
            if link is not None and link.fingerprint == received and host_fingerprints is None:
                kept.append(link.with_(sync_token=entity.get("SyncToken")))
                ctx.count("unchanged")
                continue
            key = (
                link.host_key
                if link is not None
                else _adoptable(unit, entity, existing, existing_links)
            )
            writes.append((key, fields, entity, received))

        keys = host.upsert_many(
            unit.kind,
            [(key, fields) for key, fields, _, _ in writes],
            on_written=_linker(unit, mapping, writes, kept),
        )
        for new_key, (key, _, entity, _) in zip(keys, writes, strict=True):
            ctx.count("updated" if key is not None else "created")
            refs.learn(unit.kind, new_key, entity["Id"])
        if host_fingerprints and keys:
            # Two-way kinds remember what the host now holds, so the push sees no change (a
            # crash before this only costs one redundant update).
            current = mapping.links(unit.kind, keys)
            stored = host_fingerprints(keys)
            mapping.save(
                current[k].with_(fingerprint=stored[k])
                for k in keys
                if k in stored and k in current
            )
        ctx.progress(done, total)
    _apply_deleted(ctx, unit, stubs, refs)
    ctx.progress(total, total)


def _linker(
    unit: PullUnit,
    mapping: MappingStore,
    writes: list[tuple[str | None, dict[str, Any], dict[str, Any], str]],
    kept: list[Link],
) -> Callable[[list[str], Connection | None], None]:
    """Links for the rows just written, saved inside the host's transaction: rows and links
    commit together, so a crash never leaves a pulled row no link claims (a twin next time)."""

    def link_rows(keys: list[str], connection: Connection | None) -> None:
        links = [
            Link(
                kind=unit.kind,
                host_key=new_key,
                qbo_entity=unit.qbo_entity,
                qbo_id=entity["Id"],
                sync_token=entity.get("SyncToken"),
                fingerprint=received,
                qbo_updated_at=parse_qbo_time(
                    (entity.get("MetaData") or {}).get("LastUpdatedTime")
                ),
            )
            for new_key, (_, _, entity, received) in zip(keys, writes, strict=True)
        ]
        mapping.save([*kept, *links], connection=connection)
        crash_point("host.written")

    return link_rows


def _adoptable(
    unit: PullUnit, entity: dict[str, Any], existing: dict[str, str], links: dict[str, Link]
) -> str | None:
    """The unlinked host row this new QBO record is, if any."""
    key = existing.get(unit.name(entity))
    if key is None:
        return None
    link = links.get(key)
    if link is None:
        return key if unit.adopt_by_name else None
    if link.pending and link.natural_key == unit.name(entity):
        return key  # our own create, whose answer a crash lost: the push half adopts it too
    return None  # that host row belongs to another QBO record (or QBO refused it)


def _apply_deleted(
    ctx: SectionContext, unit: PullUnit, stubs: list[DeletedStub], refs: References
) -> None:
    if not stubs:
        return
    host, mapping = ctx.services.host, ctx.services.mapping
    links = mapping.by_qbo_ids(unit.qbo_entity, [s.id for s in stubs])
    for stub in stubs:
        link = links.get(stub.id)
        if link is None:
            continue  # never in the host
        in_use = host.in_use(unit.kind, link.host_key)
        host.deactivate(unit.kind, link.host_key)
        ctx.count("deleted")
        if in_use:
            ctx.warn(
                f"{unit.label} {link.host_key} was deleted in QuickBooks; it has transactions "
                "in the host, so it was made inactive there instead of deleted",
                record=f"{unit.label} {link.host_key}",
                qbo_id=stub.id,
                fix_hint="Review it; merge or re-activate it in the host if it was merged "
                "in QuickBooks.",
            )
        mapping.remove(unit.kind, [link.host_key])
        refs.forget(unit.kind, link.host_key)


class PullSection(Section):
    """A QBO -> host section made of units pulled the same way."""

    direction = Direction.PULL
    units: ClassVar[tuple[PullUnit, ...]] = ()
    cdc_entities: ClassVar[tuple[str, ...] | None] = None
    """Entities CDC covers (None: all of them); the rest are read by query."""

    def sync(self, ctx: SectionContext) -> None:
        entities = [u.qbo_entity for u in self.units]
        by_cdc = [e for e in entities if self.cdc_entities is None or e in self.cdc_entities]
        by_query = [e for e in entities if e not in by_cdc]
        changes = fetch_changes(ctx, by_cdc) if by_cdc else None
        queried = fetch_changes(ctx, by_query, cdc=False) if by_query else None
        refs = References(ctx.services.mapping, ctx.services.host.describe)
        for unit in self.units:
            source = changes if unit.qbo_entity in by_cdc else queried
            assert source is not None
            apply_pulled(
                ctx, unit, source.rows(unit.qbo_entity), source.stubs(unit.qbo_entity), refs
            )
