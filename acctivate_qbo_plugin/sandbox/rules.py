"""QBO's cross-record business rules: unique names and numbers, the closing date, stock dates."""

from __future__ import annotations

import datetime as dt

from acctivate_qbo_plugin.sandbox import errors
from acctivate_qbo_plugin.sandbox.entities import EntitySpec
from acctivate_qbo_plugin.sandbox.handlers_base import Handler
from acctivate_qbo_plugin.sandbox.store import Record
from acctivate_qbo_plugin.sandbox.validation import WriteContext


def book_close_date(ctx: WriteContext) -> dt.date | None:
    prefs = ctx.preferences().get("AccountingInfoPrefs") or {}
    value = prefs.get("BookCloseDate")
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def check_open_period(spec: EntitySpec, record: Record | None, ctx: WriteContext) -> None:
    """6210: a posting transaction dated on or before BookCloseDate cannot be written."""
    if not spec.posting or record is None:
        return
    closed_through = book_close_date(ctx)
    txn_date = record.get("TxnDate")
    if closed_through is None or not isinstance(txn_date, str):
        return
    try:
        day = dt.date.fromisoformat(txn_date[:10])
    except ValueError:
        return
    if day <= closed_through:
        raise errors.closed_period()


def check_unique_name(
    spec: EntitySpec, record: Record, own_id: str | None, ctx: WriteContext
) -> None:
    """6240: DisplayName is unique across Customer, Vendor and Employee (case-insensitively);
    Item, Account, Term and PaymentMethod names are unique within their own list."""
    holders = ctx.store.holders_of_name(spec, record)
    holders.discard((spec.name, own_id or ""))
    if holders:
        raise errors.duplicate_name()


def check_unique_doc_number(
    spec: EntitySpec, record: Record, own_id: str | None, ctx: WriteContext
) -> None:
    """6140: a DocNumber is used once per transaction type."""
    doc = record.get("DocNumber")
    if not spec.is_transaction or not isinstance(doc, str) or not doc:
        return
    holders = ctx.store.holders_of_doc_number(spec.name, doc)
    holders.discard(own_id or "")
    if holders:
        raise errors.duplicate_doc_number(doc, spec.name, sorted(holders)[0])


def check_inventory_start(handler: Handler, record: Record, ctx: WriteContext) -> None:
    """6270: inventory cannot move before the item's InvStartDate."""
    txn_date = record.get("TxnDate")
    if not isinstance(txn_date, str):
        return
    for item_id, _element in handler.inventory_lines(record):
        item = ctx.reader.get("Item", item_id)
        start = (item or {}).get("InvStartDate")
        if item is None or item.get("Type") != "Inventory" or not isinstance(start, str):
            continue
        if txn_date[:10] < start[:10]:
            raise errors.inventory_before_start(str(item.get("Name")), start, txn_date)
