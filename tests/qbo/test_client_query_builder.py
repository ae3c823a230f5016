"""Query values are escaped so any name finds exactly the record named."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from acctivate_qbo_plugin.qbo import count, quote, select


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("Amy's Bird Sanctuary", r"'Amy\'s Bird Sanctuary'"),
        ("Robertson & Associates", "'Robertson & Associates'"),
        ("100% Cotton", "'100% Cotton'"),
        ("C:\\Temp\\", r"'C:\\Temp\\'"),
        ("x' OR Name = 'y", r"'x\' OR Name = \'y'"),
        ("Zoë Ångström 東京", "'Zoë Ångström 東京'"),
        ("\\'", r"'\\\''"),
        (True, "true"),
        (42, "42"),
        (Decimal("300.00"), "300.00"),
        (date(2024, 3, 1), "'2024-03-01'"),
        (
            datetime(2024, 3, 10, 1, 59, 59, 999, tzinfo=timezone(timedelta(hours=-8))),
            "'2024-03-10T01:59:59-08:00'",
        ),
    ],
)
def test_quote_renders_one_literal(value: object, literal: str) -> None:
    assert quote(value) == literal  # type: ignore[arg-type]


def test_hostile_value_stays_inside_its_literal() -> None:
    statement = select("Customer").where("DisplayName", "=", "x' OR Name = 'y").statement
    assert statement == r"SELECT * FROM Customer WHERE DisplayName = 'x\' OR Name = \'y'"
    # Unescaped quotes: exactly the two delimiters of the one literal.
    unescaped = statement.replace("\\\\", "").replace("\\'", "")
    assert unescaped.count("'") == 2


def test_builder_composes_filters_ordering_and_paging() -> None:
    since = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    statement = (
        select("Customer")
        .where("Metadata.LastUpdatedTime", ">=", since)
        .include_inactive()
        .order_by("Metadata.LastUpdatedTime")
        .page(1001, 1000)
        .statement
    )
    assert statement == (
        "SELECT * FROM Customer WHERE Metadata.LastUpdatedTime >= '2024-01-02T03:04:05+00:00' "
        "AND Active IN (true, false) ORDERBY Metadata.LastUpdatedTime ASC "
        "STARTPOSITION 1001 MAXRESULTS 1000"
    )
    assert count("Vendor").where_in("Id", ["5", "6"]).statement == (
        "SELECT COUNT(*) FROM Vendor WHERE Id IN ('5', '6')"
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: select("customer; DROP"), "invalid QBO entity name"),
        (lambda: select("Customer").where("Name OR 1", "=", "x"), "invalid QBO property"),
        (lambda: select("Customer").where("Name", "OR", "x"), "unsupported operator"),
        (lambda: select("Customer").page(0, 10), "1-based"),
        (lambda: select("Customer").page(1, 1001), "MAXRESULTS must be 1..1000"),
        (lambda: select("Customer").where_in("Id", []), "at least one value"),
        (lambda: select("Customer").where("Name", "=", "a\x00b"), "NUL"),
        (lambda: quote(datetime(2024, 1, 1)), "has no time zone"),
    ],
)
def test_bad_queries_are_refused_with_a_clear_message(build: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()  # type: ignore[operator]


def test_unsupported_value_type_says_which_types_work() -> None:
    with pytest.raises(TypeError, match="use str, int, Decimal"):
        quote([1, 2])  # type: ignore[arg-type]
