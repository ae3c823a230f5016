"""PRODUCT.md's trigger table."""

from __future__ import annotations

import pytest

from acctivate_qbo_plugin.sections import default_catalog
from acctivate_qbo_plugin.triggers import sections_for_invoice, sections_for_lookup

PULL = default_catalog().pull_sections()


def test_pull_sections_are_the_ones_that_bring_qbo_changes_in() -> None:
    assert PULL == ("accounts", "code_tables", "customers", "vendors", "payments")


@pytest.mark.parametrize(
    ("name", "sections"),
    [
        ("customer", ("customers",)),
        ("Customers", ("customers",)),
        ("Customer Lookup", ("customers",)),
        ("vendor", ("vendors",)),
        ("item", ("items",)),
        ("Items List", ("items",)),
        ("account", ("accounts",)),
        ("terms", ("code_tables",)),
        ("sales order", PULL),
    ],
)
def test_lookups(name: str, sections: tuple[str, ...]) -> None:
    assert sections_for_lookup(name, PULL) == sections


def test_invoices_and_po_invoices() -> None:
    assert sections_for_invoice("invoice") == ("customers", "items", "invoices", "journals")
    assert sections_for_invoice("po_invoice") == ("vendors", "items", "po_invoices", "journals")
    unknown = sections_for_invoice("credit_memo")
    assert {"invoices", "po_invoices"} <= set(unknown)
