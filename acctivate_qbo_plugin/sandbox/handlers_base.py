"""The handler interface and the pieces every entity handler shares.

A handler turns a merged request body into the record QBO would store: it applies defaults,
computes server-owned fields (totals, names, due dates), validates references and business
rules, and says which derived changes the record makes (``effects``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from typing import Any

from acctivate_qbo_plugin.sandbox import errors
from acctivate_qbo_plugin.sandbox.effects import Effect
from acctivate_qbo_plugin.sandbox.entities import EntitySpec
from acctivate_qbo_plugin.sandbox.store import Reader, Record
from acctivate_qbo_plugin.sandbox.validation import (
    WriteContext,
    check_lengths,
    parse_date,
    resolve_top_level_refs,
)

SERVER_KEYS = ("domain", "sparse", "Id", "SyncToken", "MetaData")
USD = {"value": "USD", "name": "United States Dollar"}


def ordered(record: Record, order: Sequence[str]) -> Record:
    """The record with ``order``'s keys first (QBO's schema order), then any others as given."""
    result = {key: record[key] for key in order if key in record}
    for key, value in record.items():
        if key not in result:
            result[key] = value
    return result


class Handler:
    """Default behaviour: store what was sent, with the kind's defaults."""

    order: Sequence[str] = SERVER_KEYS
    # Server-owned fields that a full update keeps even though the body omits them.
    retained: frozenset[str] = frozenset()

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        check_lengths(spec, record)
        resolve_top_level_refs(ctx, spec, record)
        if spec.is_name_list:
            record.setdefault("Active", True)
        if spec.is_transaction:
            prepare_transaction_header(spec, record, existing=existing, ctx=ctx)
        return ordered(record, self.order)

    def check_update(
        self, spec: EntitySpec, body: Record, existing: Record, ctx: WriteContext
    ) -> None:
        """Reject an update QBO refuses outright (before anything is merged)."""

    def effects(self, record: Record, reader: Reader) -> list[Effect]:
        """The balances and stock this record moves (undone when it changes or goes)."""
        return []

    def void(self, record: Record) -> Record:
        raise NotImplementedError

    def inventory_lines(self, record: Record) -> list[tuple[str, str]]:
        """(ItemRef value, element) pairs whose items must be dated after InvStartDate."""
        return []


def prepare_transaction_header(
    spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
) -> dt.date:
    """TxnDate (default today), DocNumber (auto-numbered where QBO does) and CurrencyRef."""
    if "TxnDate" not in record:
        record["TxnDate"] = ctx.today.isoformat()
    txn_date = parse_date(record["TxnDate"], "TxnDate")
    record["TxnDate"] = txn_date.isoformat()
    prefs = ctx.preferences().get("SalesFormsPrefs") or {}
    custom_numbers = prefs.get("CustomTxnNumbers") is True
    if "DocNumber" not in record and spec.auto_doc_number and not custom_numbers:
        record["DocNumber"] = ctx.store.next_doc_number(spec.name)
    if "DocNumber" in record and not isinstance(record["DocNumber"], str):
        record["DocNumber"] = str(record["DocNumber"])
    record.setdefault("CurrencyRef", dict(USD))
    return txn_date


def line_ids(lines: Sequence[Any], existing: Record | None, *, first: int = 1) -> list[str]:
    """Ids for the lines being stored: a line keeps an Id that existed, a new line gets the next.

    QBO numbers new lines after the highest Id the transaction ever had (a recorded full update
    turned line "5" into line "6").
    """
    old_ids = {
        str(line.get("Id"))
        for line in (existing or {}).get("Line") or []
        if isinstance(line, dict) and line.get("Id") is not None
    }
    numeric = [int(i) for i in old_ids if i.isdigit()]
    next_id = max(numeric) + 1 if numeric else first
    result = []
    for line in lines:
        given = str(line.get("Id")) if isinstance(line, dict) and "Id" in line else None
        if given is not None and given in old_ids and given not in result:
            result.append(given)
        else:
            result.append(str(next_id))
            next_id += 1
    return result


def require_lines(record: Record) -> list[dict[str, Any]]:
    lines = record.get("Line")
    if lines is None or lines == []:
        raise errors.required_missing("Line")
    if not isinstance(lines, list):
        raise errors.invalid_value("Line", lines, "java.util.List<Line>")
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            raise errors.invalid_value(f"Line[{index}]", line, "Line")
    return [dict(line) for line in lines]


def due_date(txn_date: dt.date, term: Record | None) -> dt.date:
    """The due date a term gives (STANDARD terms: TxnDate + DueDays)."""
    if term is None:
        return txn_date
    days = term.get("DueDays")
    if isinstance(days, int) and not isinstance(days, bool):
        return txn_date + dt.timedelta(days=days)
    day_of_month = term.get("DayOfMonthDue")
    if isinstance(day_of_month, int) and not isinstance(day_of_month, bool):
        # DATE_DRIVEN terms: that day of the next month (clamped to the month's length).
        year, month = (
            (txn_date.year + 1, 1) if txn_date.month == 12 else (txn_date.year, txn_date.month + 1)
        )
        last_day = calendar.monthrange(year, month)[1]
        return dt.date(year, month, max(1, min(day_of_month, last_day)))
    return txn_date
