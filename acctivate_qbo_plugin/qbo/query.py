"""Build QBO query statements with correctly escaped values.

QBO's query language has no bind parameters: values are quoted with ``'`` and a backslash
escapes ``'`` and ``\\`` inside them. :func:`quote` is the only place a value enters a
statement, so a name like ``x' OR Name = 'y`` stays one string literal. The statement is then
URL-encoded by ``requests``.

>>> select("Customer").where("DisplayName", "=", "Amy's Bird").statement
"SELECT * FROM Customer WHERE DisplayName = 'Amy\\\\'s Bird'"
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from acctivate_qbo_plugin.qbo.timestamps import format_qbo_datetime

__all__ = [
    "MAX_PAGE_SIZE",
    "Condition",
    "Select",
    "check_entity_name",
    "count",
    "quote",
    "select",
]

MAX_PAGE_SIZE = 1000
_OPERATORS = frozenset({"=", "<", ">", "<=", ">=", "IN", "LIKE"})
_ENTITY = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$")

Value = str | int | float | Decimal | bool | datetime | date


def quote(value: Value) -> str:
    """Render one value as a QBO query literal.

    Strings are quoted and backslash-escaped; numbers and booleans are bare; datetimes must be
    aware and are sent with their offset; dates as ``YYYY-MM-DD``.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime | date):
        return f"'{format_qbo_datetime(value)}'"
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("query values cannot contain a NUL character")
        escaped = value.replace("\\", "\\\\").replace("'", "\\'")
        return f"'{escaped}'"
    raise TypeError(
        f"cannot put a {type(value).__name__} into a QBO query; use str, int, Decimal, bool, "
        f"date or an aware datetime"
    )


def check_entity_name(entity: str) -> str:
    """Return ``entity`` if it is a valid (case-sensitive) QBO entity name."""
    if not isinstance(entity, str) or not _ENTITY.match(entity):
        raise ValueError(
            f"invalid QBO entity name {entity!r}: use the case-sensitive name, e.g. 'Customer'"
        )
    return entity


def _check_field(field_name: str) -> str:
    if not isinstance(field_name, str) or not _FIELD.match(field_name):
        raise ValueError(
            f"invalid QBO property {field_name!r}: use a name like 'DisplayName' or "
            f"'Metadata.LastUpdatedTime'"
        )
    return field_name


@dataclass(frozen=True)
class Condition:
    """``field op value``; for ``IN`` the value is a tuple."""

    field: str
    operator: str
    value: Value | tuple[Value, ...]

    def render(self) -> str:
        if self.operator == "IN":
            assert isinstance(self.value, tuple)
            inner = ", ".join(quote(item) for item in self.value)
            return f"{self.field} IN ({inner})"
        assert not isinstance(self.value, tuple)
        return f"{self.field} {self.operator} {quote(self.value)}"


@dataclass(frozen=True)
class Select:
    """An immutable ``SELECT`` statement; every method returns a new one."""

    entity: str
    conditions: tuple[Condition, ...] = ()
    order_field: str | None = None
    descending: bool = False
    start_position: int | None = None
    max_results: int | None = None
    count_only: bool = False

    def where(self, field_name: str, operator: str, value: Value) -> Select:
        op = operator.strip().upper()
        if op not in _OPERATORS or op == "IN":
            choices = ", ".join(sorted(_OPERATORS - {"IN"}))
            raise ValueError(f"unsupported operator {operator!r}; use one of {choices} or where_in")
        condition = Condition(_check_field(field_name), op, value)
        condition.render()  # validate the value now, where the caller can see the mistake
        return replace(self, conditions=(*self.conditions, condition))

    def where_in(self, field_name: str, values: Iterable[Value]) -> Select:
        items = tuple(values)
        if not items:
            raise ValueError(f"where_in({field_name!r}) needs at least one value")
        condition = Condition(_check_field(field_name), "IN", items)
        condition.render()
        return replace(self, conditions=(*self.conditions, condition))

    def include_inactive(self) -> Select:
        """Add ``Active IN (true, false)``: name lists hide deactivated rows otherwise."""
        return self.where_in("Active", (True, False))

    def order_by(self, field_name: str, *, descending: bool = False) -> Select:
        return replace(self, order_field=_check_field(field_name), descending=descending)

    def page(self, start_position: int, max_results: int) -> Select:
        """Set 1-based ``STARTPOSITION`` and ``MAXRESULTS`` (at most 1000)."""
        if start_position < 1:
            raise ValueError(f"STARTPOSITION is 1-based; got {start_position}")
        if not 1 <= max_results <= MAX_PAGE_SIZE:
            raise ValueError(f"MAXRESULTS must be 1..{MAX_PAGE_SIZE}; got {max_results}")
        return replace(self, start_position=start_position, max_results=max_results)

    @property
    def statement(self) -> str:
        projection = "COUNT(*)" if self.count_only else "*"
        parts = [f"SELECT {projection} FROM {check_entity_name(self.entity)}"]
        if self.conditions:
            parts.append("WHERE " + " AND ".join(c.render() for c in self.conditions))
        if self.order_field and not self.count_only:
            parts.append(f"ORDERBY {self.order_field} {'DESC' if self.descending else 'ASC'}")
        if self.start_position is not None and not self.count_only:
            parts.append(f"STARTPOSITION {self.start_position}")
        if self.max_results is not None and not self.count_only:
            parts.append(f"MAXRESULTS {self.max_results}")
        return " ".join(parts)

    def __str__(self) -> str:
        return self.statement


def select(entity: str) -> Select:
    """Start ``SELECT * FROM entity``."""
    return Select(check_entity_name(entity))


def count(entity: str) -> Select:
    """Start ``SELECT COUNT(*) FROM entity``."""
    return Select(check_entity_name(entity), count_only=True)
