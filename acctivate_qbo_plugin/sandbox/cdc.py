"""Change data capture: everything changed since an instant, deletions as stubs, capped at 1000.

The cap is per response across all requested entities (Intuit: "a maximum of 1,000 objects").
Only the oldest 1000 changes are returned, so a client that sees a full response can narrow the
window from its start and lose nothing. There is no paging.
"""

from __future__ import annotations

import datetime as dt
import heapq
from typing import Any

from acctivate_qbo_plugin.sandbox import errors
from acctivate_qbo_plugin.sandbox.entities import CDC_UNSUPPORTED, spec_for_any_case
from acctivate_qbo_plugin.sandbox.store import EntityStore
from acctivate_qbo_plugin.sandbox.timefmt import CompanyCalendar

MAX_OBJECTS = 1000
LOOKBACK = dt.timedelta(days=30)


def run_cdc(
    store: EntityStore,
    calendar: CompanyCalendar,
    entities: str | None,
    changed_since: str | None,
    now: dt.datetime,
) -> dict[str, Any]:
    """The ``CDCResponse`` list for the request parameters."""
    names = _entity_names(entities)
    if not changed_since:
        raise errors.required_missing("changedSince")
    since = calendar.parse(changed_since)
    if since is None:
        raise errors.invalid_query(
            f"changedSince {changed_since!r} is not a date-time; send e.g. "
            "2024-05-01T09:00:00-07:00 (URL-encode the '+' of a positive offset)"
        )
    if since < now - LOOKBACK:
        raise errors.invalid_query(
            f"Operation cdc with changedSince date {changed_since} which is older than fixed "
            "days is not supported. CDC looks back 30 days at most; use a query on "
            "Metadata.LastUpdatedTime for older changes."
        )
    streams = [
        [
            (lut, seq, name, entity_id)
            for lut, seq, entity_id in store.changes_since(name, since.timestamp())
        ]
        for name in names
    ]
    oldest = list(heapq.merge(*streams))[:MAX_OBJECTS]
    grouped: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for _lut, _seq, name, entity_id in oldest:
        current = store.current(name, entity_id)
        if current is not None:
            grouped[name].append(current)
    responses: list[dict[str, Any]] = []
    for name in names:
        objects = grouped[name]
        if objects:
            responses.append({name: objects, "startPosition": 1, "maxResults": len(objects)})
        else:
            responses.append({})
    return {"CDCResponse": [{"QueryResponse": responses}]}


def _entity_names(entities: str | None) -> list[str]:
    if not entities or not entities.strip():
        raise errors.required_missing("entities")
    names: list[str] = []
    for raw in entities.split(","):
        text = raw.strip()
        if not text:
            continue
        spec = spec_for_any_case(text)
        if spec is None or not spec.cdc or spec.name in CDC_UNSUPPORTED:
            raise errors.invalid_query(
                f"CDC does not support the entity {text!r}; ask for e.g. "
                "Customer,Vendor,Item,Account,Invoice,Bill,Payment,JournalEntry"
            )
        if spec.name not in names:
            names.append(spec.name)
    if not names:
        raise errors.required_missing("entities")
    return names
