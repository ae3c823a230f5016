"""Shared by the fault-injection tests: a connected host with a day of work waiting."""

from __future__ import annotations

from collections import Counter
from typing import Any

from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.reference_host import models as m


def seed(host: FakeHost, invoices: int = 60, customers: int = 15) -> dict[str, list[int]]:
    """Host work written without events (one sync sends it all)."""
    erp = host.erp
    products = [erp.create_product(f"R-SKU-{n}", price=f"{12 + n}.00") for n in range(6)]
    people = [erp.create_customer(f"Reliable Customer {n:02d}") for n in range(customers)]
    docs = [
        erp.post_invoice(
            people[n % customers], [(products[n % 6], 1 + n % 4, "15.00")], number=f"R-{n:04d}"
        )
        for n in range(invoices)
    ]
    return {"products": products, "customers": people, "invoices": docs}


def assert_exactly_once(host: FakeHost) -> None:
    """Every host invoice, customer and product is in QBO once, and mapped to it."""
    sandbox, erp = host.sandbox, host.erp
    for model, column, entity, natural in (
        (m.Invoice, "invoice_no", "Invoice", "DocNumber"),
        (m.Customer, "name", "Customer", "DisplayName"),
        (m.Product, "sku", "Item", "Name"),
    ):
        in_qbo = Counter(r.get(natural) for r in sandbox.entities(entity))
        for row in erp.rows(model):
            assert in_qbo[getattr(row, column)] == 1, (entity, getattr(row, column))


def sync_until_clean(host: FakeHost, attempts: int = 6) -> Any:
    for _ in range(attempts):
        result = host.sync_now(120)
        if result.outcome != "error":
            return result
    raise AssertionError(f"still failing after {attempts} runs: {result.messages}")
