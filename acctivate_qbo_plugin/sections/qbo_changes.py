"""What changed in QBO since a section's QBO-side sync time: CDC, or paged query when CDC
cannot look back that far (or does not cover the entity), or everything on a first sync."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from acctivate_qbo_plugin.qbo import NAME_LIST_ENTITIES, CdcWindowTooOld, DeletedStub, select
from acctivate_qbo_plugin.sections.context import SectionContext

__all__ = ["QboChanges", "fetch_changes"]


@dataclass
class QboChanges:
    changed: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    deleted: dict[str, list[DeletedStub]] = field(default_factory=dict)

    def rows(self, entity: str) -> list[dict[str, Any]]:
        return self.changed.get(entity, [])

    def stubs(self, entity: str) -> list[DeletedStub]:
        return self.deleted.get(entity, [])


def fetch_changes(ctx: SectionContext, entities: Sequence[str], *, cdc: bool = True) -> QboChanges:
    """Every change of ``entities`` since the section's QBO sync time (all rows the first time).

    Reports QBO's server time of the first read to ``ctx.saw_qbo_time``: the next window
    starts there, on QBO's own clock.
    """
    qbo = ctx.services.qbo
    since = ctx.since.qbo_sync_time
    changes = QboChanges()
    if since is not None and cdc:
        try:
            result = ctx.services.shared_changes(entities, since)
            if result is None:
                result = qbo.cdc(list(entities), since)
        except CdcWindowTooOld:
            pass  # held back more than ~29 days: page through the query instead
        else:
            if result.time is not None:
                ctx.saw_qbo_time(result.time)
            for entity in entities:
                changes.changed[entity] = list(result.changed.get(entity, ()))
                changes.deleted[entity] = list(result.deleted.get(entity, ()))
            return changes
    for entity in entities:
        if since is None:
            base = select(entity)
            if entity in NAME_LIST_ENTITIES:
                base = base.include_inactive()
            result = qbo.query_all(base)
        else:
            shared = ctx.services.shared_query(entity, since)
            # (an empty result is falsy: compare with None)
            result = shared if shared is not None else qbo.changed_since(entity, since)
        if result.time is not None:
            ctx.saw_qbo_time(result.time)
        changes.changed[entity] = list(result.rows)
    return changes
