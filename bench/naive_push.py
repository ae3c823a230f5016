"""The baseline for push efficiency: one create call per record, the way per-object QBO
client libraries work (``Customer().save()``, ``Item().save()``, ``Invoice().save()``).

Same QBO client as the plugin, same host rows, same payload shapes, but no batching: each
customer, then each item, then each invoice is a POST of its own, in order, waiting for the
answer (the Ids it returns are what the next records refer to).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from acctivate_qbo_plugin.qbo import QboClient
from acctivate_qbo_plugin.qbo import select as qbo_select
from acctivate_qbo_plugin.reference_host import models as m

__all__ = ["NaiveResult", "push_one_by_one"]


@dataclass(frozen=True)
class NaiveResult:
    customers: int
    items: int
    invoices: int

    @property
    def records(self) -> int:
        return self.customers + self.items + self.invoices


def _account_ids(qbo: QboClient, names: list[str]) -> dict[str, str]:
    page = qbo.query(qbo_select("Account").where_in("Name", names))
    return {row["Name"]: row["Id"] for row in page.rows}


def _customer(customer: m.Customer) -> dict[str, Any]:
    body: dict[str, Any] = {"DisplayName": customer.name, "Taxable": customer.taxable}
    if customer.email:
        body["PrimaryEmailAddr"] = {"Address": customer.email}
    if customer.city:
        body["BillAddr"] = {"City": customer.city, "CountrySubDivisionCode": customer.region}
    return body


def _item(product: m.Product, accounts: dict[int, str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Name": product.sku,
        "Description": product.description,
        "UnitPrice": float(product.unit_price),
        "PurchaseCost": float(product.unit_cost),
        "Taxable": product.taxable,
        "IncomeAccountRef": {"value": accounts[product.income_account_id]},
    }
    if product.kind == "inventory":
        body.update(
            {
                "Type": "Inventory",
                "TrackQtyOnHand": True,
                "QtyOnHand": 0,
                "InvStartDate": product.start_date.isoformat(),
                "ExpenseAccountRef": {"value": accounts[product.cogs_account_id]},
                "AssetAccountRef": {"value": accounts[product.asset_account_id]},
            }
        )
    else:
        body["Type"] = "Service"
    return body


def _invoice(
    invoice: m.Invoice, customers: dict[int, str], items: dict[int, str]
) -> dict[str, Any]:
    return {
        "DocNumber": invoice.invoice_no,
        "TxnDate": invoice.invoice_date.isoformat(),
        "CustomerRef": {"value": customers[invoice.customer_id]},
        "Line": [
            {
                "LineNum": line.line_no,
                "Amount": float(line.amount),
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": {
                    "ItemRef": {"value": items[line.product_id]},
                    "Qty": float(line.quantity),
                    "UnitPrice": float(line.unit_price),
                    "TaxCodeRef": {"value": "TAX" if line.taxable else "NON"},
                },
            }
            for line in invoice.lines
        ],
    }


def push_one_by_one(
    qbo: QboClient,
    engine: Engine,
    *,
    customer_ids: list[int],
    product_ids: list[int],
    invoice_ids: tuple[int, int],
) -> NaiveResult:
    """Create every listed host customer, product and invoice (ids first..last) in QBO, one
    request per record."""
    with Session(engine) as session:
        host_accounts = {a.id: a.name for a in session.scalars(select(m.Account))}
        customers = session.scalars(select(m.Customer).where(m.Customer.id.in_(customer_ids)))
        customer_qbo = {c.id: qbo.create("Customer", _customer(c), request_id=None).entity["Id"]
                        for c in customers}  # fmt: skip
        products = list(session.scalars(select(m.Product).where(m.Product.id.in_(product_ids))))
        wanted = {
            host_accounts[a]
            for p in products
            for a in (p.income_account_id, p.cogs_account_id, p.asset_account_id)
            if a is not None
        }
        by_name = _account_ids(qbo, sorted(wanted))
        accounts = {i: by_name[name] for i, name in host_accounts.items() if name in by_name}
        item_qbo = {p.id: qbo.create("Item", _item(p, accounts), request_id=None).entity["Id"]
                    for p in products}  # fmt: skip
        first, last = invoice_ids
        invoices = session.scalars(
            select(m.Invoice)
            .where(m.Invoice.id.between(first, last))
            .options(selectinload(m.Invoice.lines))
            .order_by(m.Invoice.id)
            .execution_options(yield_per=500)
        )
        created = 0
        for invoice in invoices:
            qbo.create("Invoice", _invoice(invoice, customer_qbo, item_qbo), request_id=None)
            created += 1
    return NaiveResult(len(customer_qbo), len(item_qbo), created)
