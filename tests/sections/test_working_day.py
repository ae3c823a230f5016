"""A working day through the fake host: every record in QBO exactly once, amounts matching or
explained, and what happened in QBO meanwhile in the host."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from decimal import Decimal

from acctivate_qbo_plugin.reference_host import models as m

from .conftest import qbo_id_of, qbo_one


def test_a_working_day(connected_host_factory) -> None:
    host = connected_host_factory(sync={"debounce_seconds": 0.05, "max_delay_seconds": 0.5})
    assert host.sync_now().outcome == "success"
    erp, sandbox, rng = host.erp, host.sandbox, random.Random(20261125)
    vendors = [v.id for v in erp.rows(m.Vendor)]
    products = [
        erp.create_product(
            f"SKU-{n:03d}", price=f"{5 + n}.25", cost=f"{2 + n}.10", taxable=n % 2 == 0
        )
        for n in range(12)
    ]
    for product in products:  # opening stock
        host.post_inventory(product, 500, memo="opening count")
    customers = [
        host.create_customer(f"Day Customer {n:02d}", email=f"day{n}@example.com")
        for n in range(50)
    ]
    invoices, po_invoices, adjustments, transfers = [], [], 0, 0
    for n in range(200):
        lines = [
            (
                rng.choice(products),
                rng.randint(1, 4),
                f"{rng.randint(5, 60)}.{rng.randint(0, 99):02d}",
            )
            for _ in range(rng.randint(1, 3))
        ]
        invoices.append(host.post_invoice(rng.choice(customers), lines, number=f"D-{n:04d}"))
        if n % 10 == 0:
            po_invoices.append(
                host.post_po_invoice(
                    rng.choice(vendors),
                    [(rng.choice(products), rng.randint(5, 20), "3.40")],
                    number=f"P-{n:04d}",
                )
            )
        if n % 2 == 0:
            kind = "transfer" if n % 8 == 0 else "adjustment"
            host.post_inventory(
                rng.choice(products), rng.choice([-2, -1, 1, 3]), kind=kind,
                from_warehouse="MAIN", to_warehouse="EAST",
            )  # fmt: skip
            adjustments += kind == "adjustment"
            transfers += kind == "transfer"
        if n == 120:  # meanwhile in QuickBooks: payments, a phone change, a walk-in customer
            host.wait_until_idle()
            for invoice in invoices[:10]:
                qbo = sandbox.entity("Invoice", qbo_id_of(host, "invoice", invoice))
                sandbox.put_entity(
                    "Payment",
                    {
                        "CustomerRef": qbo["CustomerRef"],
                        "TotalAmt": qbo["TotalAmt"],
                        "TxnDate": date.today().isoformat(),
                        "Line": [
                            {
                                "Amount": qbo["TotalAmt"],
                                "LinkedTxn": [{"TxnId": qbo["Id"], "TxnType": "Invoice"}],
                            }
                        ],
                    },
                )
            record = qbo_one(host, "Customer", DisplayName="Day Customer 07")
            sandbox.put_entity(
                "Customer", {**record, "PrimaryPhone": {"FreeFormNumber": "555-0107"}}
            )
            sandbox.put_entity(
                "Customer", {"DisplayName": "Walk-in From QuickBooks", "Active": True}
            )
    assert len(po_invoices) == 20 and adjustments + transfers == 100

    final = host.sync_now()
    assert final.outcome in ("success", "warning"), final.messages
    errors = host.runtime.store.log_entries(level="error", limit=None)
    assert errors == []

    # Every host invoice is in QBO exactly once, with the host's amounts.
    qbo_invoices = Counter(i.get("DocNumber") for i in sandbox.entities("Invoice"))
    warnings = {e.record for e in host.runtime.store.log_entries(level="warning", limit=None)}
    for invoice_id in invoices:
        invoice = erp.get(m.Invoice, invoice_id)
        assert qbo_invoices[invoice.invoice_no] == 1
        qbo = sandbox.entity("Invoice", qbo_id_of(host, "invoice", invoice_id))
        subtotal = sum(
            Decimal(str(line["Amount"]))
            for line in qbo["Line"]
            if line.get("DetailType") == "SalesItemLineDetail"
        )
        assert subtotal == invoice.total
        if Decimal(str(qbo["TotalAmt"])) != invoice.total:
            assert f"invoice {invoice.invoice_no}" in warnings  # QBO's tax, explained
    qbo_customers = Counter(c["DisplayName"] for c in sandbox.entities("Customer"))
    for customer_id in customers:
        assert qbo_customers[erp.get(m.Customer, customer_id).name] == 1
    bills = {b["DocNumber"]: b for b in sandbox.entities("Bill")}
    for po_invoice_id in po_invoices:
        po_invoice = erp.get(m.POInvoice, po_invoice_id)
        assert Decimal(str(bills[po_invoice.po_invoice_no]["TotalAmt"])) == po_invoice.total
    assert len(sandbox.entities("InventoryAdjustment")) == adjustments + len(products)
    for product_id in products:
        product = erp.get(m.Product, product_id)
        item = sandbox.entity("Item", qbo_id_of(host, "product", product_id))
        assert Decimal(str(item["QtyOnHand"])) == product.qty_on_hand, product.sku

    # And what happened in QuickBooks is in the host.
    for invoice_id in invoices[:10]:
        invoice = erp.get(m.Invoice, invoice_id)
        qbo = sandbox.entity("Invoice", qbo_id_of(host, "invoice", invoice_id))
        assert invoice.amount_paid == Decimal(str(qbo["TotalAmt"]))
    (changed,) = erp.rows(m.Customer, name="Day Customer 07")
    assert changed.phone == "555-0107"
    assert erp.rows(m.Customer, name="Walk-in From QuickBooks")
