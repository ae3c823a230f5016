"""Derived changes a transaction makes to other records (balances, stock, payment links).

A handler says what a transaction contributes (``effects``); a write applies the difference
between the new and the old contribution, so create, update, delete and void all share one
path and can never drift (voiding contributes nothing, deleting has no "new").
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from acctivate_qbo_plugin.sandbox.money import ZERO, money_json, quantity_json, to_decimal
from acctivate_qbo_plugin.sandbox.store import EntityStore


@dataclass(frozen=True)
class Delta:
    """Add ``amount`` to a numeric field of another record (a Balance, a QtyOnHand)."""

    entity: str
    entity_id: str
    field: str
    amount: Decimal


@dataclass(frozen=True)
class Link:
    """List this transaction in another one's ``LinkedTxn`` (a payment on its invoice)."""

    entity: str
    entity_id: str
    txn_id: str
    txn_type: str


Effect = Delta | Link

# Targets whose version changes when a link changes (QBO bumps the invoice a payment applies
# to); balance and stock changes only touch LastUpdatedTime, as the recorded Customer shows
# (SyncToken "0", LastUpdatedTime equal to its newest invoice).
_VERSIONED_BY_LINKS = frozenset({"Invoice", "Bill"})


def apply_effects(
    store: EntityStore, stamp: str, before: Iterable[Effect], after: Iterable[Effect]
) -> None:
    amounts: defaultdict[tuple[str, str, str], Decimal] = defaultdict(lambda: ZERO)
    for effect in before:
        if isinstance(effect, Delta):
            amounts[(effect.entity, effect.entity_id, effect.field)] -= effect.amount
    links_before = Counter(e for e in before if isinstance(e, Link))
    for effect in after:
        if isinstance(effect, Delta):
            amounts[(effect.entity, effect.entity_id, effect.field)] += effect.amount
    links_after = Counter(e for e in after if isinstance(e, Link))
    _expand_customer_hierarchy(store, amounts)

    changes: defaultdict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for (entity, entity_id, field), amount in amounts.items():
        if amount != 0:
            changes[(entity, entity_id)][field] = amount
    added = links_after - links_before
    removed = links_before - links_after
    for link in set(added) | set(removed):
        changes[(link.entity, link.entity_id)].setdefault("LinkedTxn", None)

    for (entity, entity_id), fields in changes.items():
        record = store.get(entity, entity_id)
        if record is None:
            continue  # the target was deleted: nothing left to adjust
        updated = dict(record)
        for field, amount in fields.items():
            if field == "LinkedTxn":
                continue
            current = to_decimal(record.get(field, 0), field)
            total = current + amount
            updated[field] = quantity_json(total) if field == "QtyOnHand" else money_json(total)
        bump_version = False
        if "LinkedTxn" in fields:
            linked = [dict(item) for item in record.get("LinkedTxn") or []]
            for link in removed:
                if (link.entity, link.entity_id) == (entity, entity_id):
                    wanted = {"TxnId": link.txn_id, "TxnType": link.txn_type}
                    linked = [item for item in linked if item != wanted]
            for link in added:
                if (link.entity, link.entity_id) == (entity, entity_id):
                    linked.append({"TxnId": link.txn_id, "TxnType": link.txn_type})
            updated["LinkedTxn"] = linked
            bump_version = entity in _VERSIONED_BY_LINKS
        meta = dict(record.get("MetaData") or {})
        meta["LastUpdatedTime"] = stamp
        updated["MetaData"] = meta
        if bump_version:
            updated["SyncToken"] = str(int(record.get("SyncToken", "0")) + 1)
        store.put(entity, updated)


def _expand_customer_hierarchy(
    store: EntityStore, amounts: defaultdict[tuple[str, str, str], Decimal]
) -> None:
    """A customer's Balance change also moves its own and every parent's BalanceWithJobs."""
    for (entity, entity_id, field), amount in list(amounts.items()):
        if entity != "Customer" or field != "Balance" or amount == 0:
            continue
        seen: set[str] = set()
        current: str | None = entity_id
        while current is not None and current not in seen:
            seen.add(current)
            amounts[("Customer", current, "BalanceWithJobs")] += amount
            customer = store.get("Customer", current)
            parent = (customer or {}).get("ParentRef") or {}
            current = parent.get("value") if isinstance(parent, dict) else None
