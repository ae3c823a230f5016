"""Benchmark data: host records bulk-loaded through the real reference schema, and QBO-side
changes to put in the sandbox.

Host rows go in with ``executemany`` (not the ERP's row-at-a-time actions, which would make
loading a million rows take longer than the benchmarks), but into the real tables, so the
database triggers stamp ``changed_at`` and lines touch their documents exactly as they do for
the ERP. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, func, insert, select, text, update

from acctivate_qbo_plugin.reference_host import models as m
from acctivate_qbo_plugin.reference_host.erp import DEFAULT_ACCOUNTS
from acctivate_qbo_plugin.reference_host.schema import ensure_reference_schema
from acctivate_qbo_plugin.reference_host.triggers import trigger_sql

__all__ = [
    "Parties",
    "backdate_invoices",
    "create_parties",
    "load_invoices",
    "qbo_side_changes",
]

ROWS_PER_STATEMENT = 20_000  # bounded memory while loading a million rows
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Parties:
    """The customers and products that loaded invoices refer to."""

    customer_ids: tuple[int, ...]
    product_ids: tuple[int, ...]


def _next_id(connection: Any, model: type[Any]) -> int:
    return int(connection.scalar(select(func.max(model.id))) or 0) + 1


def _account_ids(connection: Any) -> dict[str, int]:
    """The default income / COGS / asset accounts (pulled from QBO by the first sync)."""
    found: dict[str, int] = {}
    for role, name in DEFAULT_ACCOUNTS.items():
        account_id = connection.scalar(
            select(m.Account.id).where(m.Account.name == name).order_by(m.Account.id).limit(1)
        )
        if account_id is None:
            raise RuntimeError(
                f"the host has no account {name!r}: run a first sync (it pulls the chart of "
                "accounts from the sandbox) before loading products"
            )
        found[role] = int(account_id)
    return found


def create_parties(engine: Engine, *, customers: int, products: int, tag: str) -> Parties:
    """``customers`` new customers and ``products`` new inventory products, named by ``tag``."""
    ensure_reference_schema(engine)
    with engine.begin() as connection:
        accounts = _account_ids(connection)
        first_customer = _next_id(connection, m.Customer)
        first_product = _next_id(connection, m.Product)
        customer_rows = [
            {
                "id": first_customer + n,
                "customer_no": f"{tag}-C{n:06d}",
                "name": f"{tag} Customer {n:06d}",
                "email": f"customer{n}@{tag.lower()}.example",
                "city": "Portland",
                "region": "OR",
                "taxable": False,
                "active": True,
            }
            for n in range(customers)
        ]
        product_rows = [
            {
                "id": first_product + n,
                "sku": f"{tag}-SKU-{n:05d}",
                "description": f"{tag} product {n}",
                "kind": "inventory",
                "unit_price": Decimal(10 + n % 40) + Decimal("0.25"),
                "unit_cost": Decimal(4 + n % 20) + Decimal("0.10"),
                "qty_on_hand": Decimal("0"),
                "taxable": False,
                "start_date": date(2000, 1, 1),
                "income_account_id": accounts["income"],
                "cogs_account_id": accounts["cogs"],
                "asset_account_id": accounts["asset"],
                "active": True,
            }
            for n in range(products)
        ]
        if customer_rows:
            connection.execute(insert(m.Customer), customer_rows)
        if product_rows:
            connection.execute(insert(m.Product), product_rows)
    return Parties(
        tuple(range(first_customer, first_customer + customers)),
        tuple(range(first_product, first_product + products)),
    )


def _invoice_rows(
    parties: Parties, first_id: int, count: int, tag: str, seed: int, lines: tuple[int, int],
    when: date,
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:  # fmt: skip
    rng = random.Random(seed)
    for n in range(count):
        invoice_id = first_id + n
        invoice_lines = []
        total = Decimal("0")
        for line_no in range(1, rng.randint(*lines) + 1):
            quantity = Decimal(rng.randint(1, 5))
            price = Decimal(rng.randint(500, 9000)) * CENT
            amount = (quantity * price).quantize(CENT)
            total += amount
            invoice_lines.append(
                {
                    "invoice_id": invoice_id,
                    "line_no": line_no,
                    "product_id": rng.choice(parties.product_ids),
                    "quantity": quantity,
                    "unit_price": price,
                    "amount": amount,
                    "taxable": False,  # no QBO tax: no "total changed" warning per invoice
                }
            )
        header = {
            "id": invoice_id,
            "invoice_no": f"{tag}{invoice_id:08d}",
            "customer_id": rng.choice(parties.customer_ids),
            "invoice_date": when,
            "total": total,
            "amount_paid": Decimal("0"),
        }
        yield header, invoice_lines


def load_invoices(
    engine: Engine,
    parties: Parties,
    *,
    count: int,
    tag: str,
    seed: int = 6,
    lines: tuple[int, int] = (1, 3),
    when: date | None = None,
) -> tuple[int, int]:
    """Post ``count`` invoices of ``lines`` lines each (inclusive range) for ``parties``;
    return the first and last invoice id. One transaction, a statement per 20,000 rows."""
    with engine.begin() as connection:
        first = _next_id(connection, m.Invoice)
        headers: list[dict[str, Any]] = []
        invoice_lines: list[dict[str, Any]] = []
        rows = _invoice_rows(parties, first, count, tag, seed, lines, when or date.today())
        for header, header_lines in rows:
            headers.append(header)
            invoice_lines.extend(header_lines)
            if len(headers) + len(invoice_lines) >= ROWS_PER_STATEMENT:
                _flush(connection, headers, invoice_lines)
        _flush(connection, headers, invoice_lines)
    return first, first + count - 1


def _flush(connection: Any, headers: list[dict[str, Any]], lines: list[dict[str, Any]]) -> None:
    if headers:
        connection.execute(insert(m.Invoice), headers)
    if lines:
        connection.execute(insert(m.InvoiceLine), lines)
    headers.clear()
    lines.clear()


def backdate_invoices(engine: Engine, last_id: int, when: datetime) -> None:
    """Set ``changed_at`` of invoices up to ``last_id`` to ``when``: history the plugin synced
    long ago. The stamping trigger is set aside for this one statement (it would overwrite
    the value) and put back in the same transaction."""
    table = m.Invoice.__tablename__
    with engine.begin() as connection:
        dialect = connection.dialect.name
        if dialect == "sqlite":
            for event in ("insert", "update"):
                connection.execute(text(f'DROP TRIGGER "trg_{table}_{event}"'))
        elif dialect == "postgresql":
            connection.execute(text(f'ALTER TABLE "{table}" DISABLE TRIGGER "trg_{table}_stamp"'))
        else:
            raise NotImplementedError(f"backdating history on {dialect} is not implemented")
        connection.execute(update(m.Invoice).where(m.Invoice.id <= last_id).values(changed_at=when))
        if dialect == "sqlite":
            for statement in trigger_sql("sqlite", [table], {}):
                connection.execute(text(statement))
        else:
            connection.execute(text(f'ALTER TABLE "{table}" ENABLE TRIGGER "trg_{table}_stamp"'))


# -- QBO side ----------------------------------------------------------------------------

# Shares of each entity in a set of QBO-side changes.
CHANGE_MIX = (("Customer", 0.3), ("Vendor", 0.2), ("Item", 0.2), ("Payment", 0.3))


def qbo_side_changes(
    total: int, *, tag: str, payer_ids: list[str], income_account_id: str, seed: int = 5
) -> list[tuple[str, dict[str, Any]]]:
    """``total`` new QBO records across customers, vendors, items and payments, shuffled
    (as people and apps would change them); payments are from ``payer_ids`` (customers the
    host already has), unapplied."""
    rng = random.Random(seed)
    counts = {entity: int(total * share) for entity, share in CHANGE_MIX}
    counts["Payment"] += total - sum(counts.values())
    bodies: list[tuple[str, dict[str, Any]]] = []
    for n in range(counts["Customer"]):
        name = f"{tag} QBO Customer {n:06d}"
        bodies.append(("Customer", {"DisplayName": name, "CompanyName": name, "Active": True}))
    for n in range(counts["Vendor"]):
        bodies.append(("Vendor", {"DisplayName": f"{tag} QBO Vendor {n:06d}", "Active": True}))
    for n in range(counts["Item"]):
        bodies.append(
            (
                "Item",
                {
                    "Name": f"{tag}-QBO-ITEM-{n:06d}",
                    "Type": "Service",
                    "UnitPrice": 25,
                    "IncomeAccountRef": {"value": income_account_id},
                    "Active": True,
                },
            )
        )
    today = date.today().isoformat()
    for n in range(counts["Payment"]):
        amount = float(Decimal(rng.randint(1000, 50000)) * CENT)
        bodies.append(
            (
                "Payment",
                {
                    "CustomerRef": {"value": rng.choice(payer_ids)},
                    "TotalAmt": amount,
                    "UnappliedAmt": amount,
                    "TxnDate": today,
                    "PaymentRefNum": f"{tag}-P{n:06d}",
                    "Line": [],
                },
            )
        )
    rng.shuffle(bodies)
    return bodies
