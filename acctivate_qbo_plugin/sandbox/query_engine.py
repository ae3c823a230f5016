"""Runs a parsed query against the store: filter, default inactive filter, order, page, count.

Comparisons follow the stored value's type: numbers and numeric Ids compare as numbers,
date-times as instants (so ``-07:00`` and ``-08:00`` values compare correctly), references by
their ``value``, and text case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from acctivate_qbo_plugin.sandbox import errors
from acctivate_qbo_plugin.sandbox.entities import EntitySpec, Kind, spec_for
from acctivate_qbo_plugin.sandbox.query_parser import Condition, Query, Value, parse_query
from acctivate_qbo_plugin.sandbox.store import Reader, Record
from acctivate_qbo_plugin.sandbox.timefmt import CompanyCalendar

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INTEGER = re.compile(r"^-?\d{1,18}$")
_ALWAYS_QUERYABLE = {"id", "synctoken", "metadata", "domain", "sparse"}
Predicate = Callable[[Record], bool]


def run_query(reader: Reader, calendar: CompanyCalendar, statement: str) -> dict[str, Any]:
    """The ``QueryResponse`` object for ``statement`` (``{}`` when a page is empty)."""
    query = parse_query(statement)
    spec = spec_for(query.entity)
    if spec is None:
        raise errors.invalid_query(f"invalid context declaration: {query.entity}")
    paths = [c.path for c in query.where] + [k.path for k in query.order]
    paths += list(query.fields or ())
    for path in paths:
        _check_queryable(spec, path)
    predicates = [_compile(condition, calendar) for condition in query.where]
    if spec.kind is Kind.NAME_LIST and not any(
        c.path[0].casefold() == "active" for c in query.where
    ):
        predicates.append(_active_only)
    rows = [record for record in reader.values(spec.name) if all(p(record) for p in predicates)]
    if query.count:
        return {"totalCount": len(rows)}
    _sort(rows, query, spec, calendar)
    page = rows[query.start_position - 1 : query.start_position - 1 + query.max_results]
    if not page:
        return {}
    if query.fields is not None:
        page = [_project(record, query.fields) for record in page]
    return {spec.name: page, "startPosition": query.start_position, "maxResults": len(page)}


def _check_queryable(spec: EntitySpec, path: tuple[str, ...]) -> None:
    first = path[0].casefold()
    if spec.properties is None or first in _ALWAYS_QUERYABLE:
        return
    if not any(first == known.casefold() for known in spec.properties):
        raise errors.invalid_query(f"property '{path[0]}' is not queryable for {spec.name}")


def lookup(record: Record, path: tuple[str, ...]) -> Any:
    """The value at ``path`` (segments matched case-insensitively); a reference's ``value``."""
    value: Any = record
    for segment in path:
        if not isinstance(value, dict):
            return None
        if segment in value:
            value = value[segment]
            continue
        folded = segment.casefold()
        value = next((v for k, v in value.items() if k.casefold() == folded), None)
    if isinstance(value, dict) and "value" in value:
        return value["value"]
    return value


def _active_only(record: Record) -> bool:
    return record.get("Active", True) is not False


def _compile(condition: Condition, calendar: CompanyCalendar) -> Predicate:
    path = condition.path
    if len(path) == 1 and path[0].casefold() == "active":
        # A name-list record without an Active flag (e.g. a TaxAgency) counts as active.
        return _compile_on(condition, calendar, lambda record: record.get("Active", True))
    return _compile_on(condition, calendar, lambda record: lookup(record, path))


def _compile_on(
    condition: Condition, calendar: CompanyCalendar, value_of: Callable[[Record], Any]
) -> Predicate:
    if condition.op == "LIKE":
        pattern = _like_pattern(condition.values[0].text)

        def like(record: Record) -> bool:
            value = value_of(record)
            return isinstance(value, str) and pattern.fullmatch(value) is not None

        return like
    if condition.op == "IN":
        options = condition.values

        def within(record: Record) -> bool:
            value = value_of(record)
            return any(_compare(value, option, calendar) == 0 for option in options)

        return within
    operator, literal = condition.op, condition.values[0]
    test = _OPERATOR_TESTS[operator]

    def compare(record: Record) -> bool:
        outcome = _compare(value_of(record), literal, calendar)
        return outcome is not None and test(outcome)

    return compare


_OPERATOR_TESTS: dict[str, Callable[[int], bool]] = {
    "=": lambda c: c == 0,
    "!=": lambda c: c != 0,
    "<": lambda c: c < 0,
    ">": lambda c: c > 0,
    "<=": lambda c: c <= 0,
    ">=": lambda c: c >= 0,
}


def _like_pattern(text: str) -> re.Pattern[str]:
    """LIKE supports only '%' (any run of characters); everything else is literal."""
    return re.compile(
        ".*".join(re.escape(part) for part in text.split("%")), re.IGNORECASE | re.DOTALL
    )


def _compare(value: Any, literal: Value, calendar: CompanyCalendar) -> int | None:
    """-1/0/1 comparing a stored value with a literal, or None when they do not compare."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        wanted = literal.text.strip().lower()
        if wanted not in ("true", "false"):
            return None
        return _sign(int(value) - int(wanted == "true"))
    if isinstance(value, int | float):
        number = _decimal(literal.text)
        return None if number is None else _sign(Decimal(str(value)) - number)
    if not isinstance(value, str):
        return None
    if _DATETIME.match(value):
        mine, theirs = calendar.parse(value), calendar.parse(literal.text)
        if mine is not None and theirs is not None:
            return _sign((mine - theirs).total_seconds())
    if _INTEGER.match(value) and _INTEGER.match(literal.text.strip()):
        return _sign(int(value) - int(literal.text.strip()))
    if _DATE.match(value) and _DATE.match(literal.text[:10]):
        return _sign_text(value, literal.text[:10])
    return _sign_text(value.casefold(), literal.text.casefold())


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _sign(number: float | Decimal | int) -> int:
    return (number > 0) - (number < 0)


def _sign_text(left: str, right: str) -> int:
    return (left > right) - (left < right)


def _sort_key(value: Any, calendar: CompanyCalendar) -> tuple[int, Any]:
    if value is None or isinstance(value, dict | list):
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (2, float(value))
    text = str(value)
    if _INTEGER.match(text):
        return (2, float(text))
    if _DATETIME.match(text):
        instant = calendar.parse(text)
        if instant is not None:
            return (3, instant.timestamp())
    return (4, text.casefold())


def _sort(rows: list[Record], query: Query, spec: EntitySpec, calendar: CompanyCalendar) -> None:
    def by_id(record: Record) -> tuple[int, Any]:
        return _sort_key(record.get("Id"), calendar)

    rows.sort(key=by_id)  # a stable tie-break, so pages never overlap
    if query.order:
        for key in reversed(query.order):
            rows.sort(
                key=lambda r, p=key.path: _sort_key(lookup(r, p), calendar), reverse=key.descending
            )
        return
    if spec.kind is Kind.TRANSACTION:
        rows.sort(key=lambda r: str(r.get("TxnDate", "")), reverse=True)
    elif spec.name_field is not None:
        rows.sort(key=lambda r: str(r.get(spec.name_field) or r.get("Name") or "").casefold())


def _project(record: Record, fields: tuple[tuple[str, ...], ...]) -> Record:
    wanted = {path[0].casefold() for path in fields}
    projected: Record = {"domain": record.get("domain", "QBO"), "sparse": True}
    for key, value in record.items():
        if key.casefold() in wanted or key in ("Id", "SyncToken"):
            projected[key] = value
    return projected
