"""Helpers for the section tests (the ``host`` fixture is in tests/conftest.py)."""

from __future__ import annotations

from typing import Any

from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.reference_host import models as m

WRITES = ("batch", "create", "update", "delete", "void")


def writes(host: FakeHost) -> int:
    """Write requests the sandbox has seen so far."""
    return sum(host.sandbox.count_requests(kind) for kind in WRITES)


def qbo_records(host: FakeHost, entity: str, **match: Any) -> list[dict[str, Any]]:
    return [
        row
        for row in host.sandbox.entities(entity)
        if all(row.get(k) == v for k, v in match.items())
    ]


def qbo_one(host: FakeHost, entity: str, **match: Any) -> dict[str, Any]:
    rows = qbo_records(host, entity, **match)
    assert len(rows) == 1, f"{len(rows)} {entity} records match {match}"
    return rows[0]


def qbo_id_of(host: FakeHost, kind: str, key: int | str) -> str | None:
    from acctivate_qbo_plugin.state.mapping import MappingStore

    links = MappingStore(host.runtime.store).links(kind, [str(key)])
    link = links.get(str(key))
    return link.qbo_id if link else None


def vendor_id(host: FakeHost, name: str) -> int:
    (row,) = host.erp.rows(m.Vendor, name=name)
    return row.id


def log_entries(host: FakeHost, **filters: Any) -> list[Any]:
    return host.runtime.store.log_entries(**filters)
