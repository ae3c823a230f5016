"""accounts, code_tables, vendors, payments: QBO -> host."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.reference_host import models as m

from .conftest import qbo_id_of, qbo_one, writes


def test_the_first_sync_brings_the_chart_of_accounts_code_tables_and_vendors(
    host: FakeHost,
) -> None:
    erp = host.erp
    accounts = {a.name: a for a in erp.rows(m.Account)}
    assert accounts["Inventory Asset"].account_type == "Other Current Asset"
    assert accounts["Sales of Product Income"].classification == "Revenue"
    assert {t.name: t.due_days for t in erp.rows(m.Terms)}["Net 30"] == 30
    assert {p.name: p.is_card for p in erp.rows(m.PaymentMethod)}["Visa"] is True
    assert "California" in {t.name for t in erp.rows(m.TaxCode)}
    assert {v.name for v in erp.rows(m.Vendor)} == {
        "Books by Bessie", "Robertson & Associates", "Tim Philip Masonry",
    }  # fmt: skip
    results = host.section_results()
    assert results["accounts"].counts.created == len(host.sandbox.entities("Account"))


def test_a_change_in_quickbooks_updates_the_host_and_nothing_else_is_touched(
    host: FakeHost,
) -> None:
    vendor = qbo_one(host, "Vendor", DisplayName="Books by Bessie")
    host.sandbox.put_entity(
        "Vendor", {**vendor, "PrimaryPhone": {"FreeFormNumber": "(650) 555-0000"}}
    )
    before = writes(host)
    result = host.sync_now()
    assert result.sections["vendors"].counts.updated == 1
    (row,) = host.erp.rows(m.Vendor, name="Books by Bessie")
    assert row.phone == "(650) 555-0000"
    assert writes(host) == before  # pulling writes nothing to QBO


def test_nothing_changed_means_nothing_written_anywhere(host: FakeHost) -> None:
    before = writes(host)
    result = host.sync_now()
    for name in ("accounts", "code_tables", "vendors", "payments"):
        counts = result.sections[name].counts
        assert counts.created == counts.updated == counts.deleted == 0, name
    assert writes(host) == before


def test_a_deactivated_vendor_is_deactivated_in_the_host(host: FakeHost) -> None:
    vendor = qbo_one(host, "Vendor", DisplayName="Tim Philip Masonry")
    host.sandbox.put_entity("Vendor", {**vendor, "Active": False})
    host.sync_now()
    (row,) = host.erp.rows(m.Vendor, name="Tim Philip Masonry")
    assert row.active is False


def test_a_new_account_in_quickbooks_arrives_in_the_host(host: FakeHost) -> None:
    host.sandbox.put_entity(
        "Account",
        {"Name": "Freight In", "AccountType": "Cost of Goods Sold", "Classification": "Expense"},
    )
    result = host.sync_now()
    assert result.sections["accounts"].counts.created == 1
    assert host.erp.rows(m.Account, name="Freight In")[0].account_type == "Cost of Goods Sold"


def test_a_deleted_payment_is_voided_in_the_host(host: FakeHost) -> None:
    product = host.erp.create_product("PAY-1", price="50.00")
    customer = host.create_customer("Paying Customer")
    invoice = host.post_invoice(customer, [(product, 2, "50.00", False)])
    host.sync_now()
    invoice_qbo = qbo_id_of(host, "invoice", invoice)
    customer_qbo = qbo_id_of(host, "customer", customer)
    payment = host.sandbox.put_entity(
        "Payment",
        {
            "CustomerRef": {"value": customer_qbo},
            "TotalAmt": 60.0,
            "TxnDate": date.today().isoformat(),
            "Line": [{"Amount": 60.0, "LinkedTxn": [{"TxnId": invoice_qbo, "TxnType": "Invoice"}]}],
        },
    )
    result = host.sync_now()
    assert result.sections["payments"].counts.created == 1
    assert host.erp.get(m.Invoice, invoice).amount_paid == Decimal("60.00")

    host.sandbox.delete_entity("Payment", payment["Id"])
    result = host.sync_now()
    assert result.sections["payments"].counts.deleted == 1
    assert host.erp.get(m.Invoice, invoice).amount_paid == Decimal("0.00")
    (row,) = host.erp.rows(m.Payment)
    assert row.voided is True


def test_a_payment_on_an_invoice_the_host_does_not_have_is_a_warning(host: FakeHost) -> None:
    qbo_customer = qbo_one(host, "Customer", DisplayName="Amy's Bird Sanctuary")
    invoice = host.sandbox.put_entity(
        "Invoice",
        {
            "CustomerRef": {"value": qbo_customer["Id"]},
            "TxnDate": date.today().isoformat(),
            "Line": [
                {
                    "Amount": 25.0,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
                }
            ],
        },
    )
    host.sandbox.put_entity(
        "Payment",
        {
            "CustomerRef": {"value": qbo_customer["Id"]},
            "TotalAmt": 25.0,
            "TxnDate": date.today().isoformat(),
            "Line": [
                {"Amount": 25.0, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}
            ],
        },
    )
    result = host.sync_now()
    payments = result.sections["payments"]
    assert payments.outcome == "warning"
    assert "did not come from the host" in payments.messages[0]
    assert len(host.erp.rows(m.Payment)) == 1


def test_a_deleted_customer_with_invoices_is_made_inactive_with_a_warning(host: FakeHost) -> None:
    product = host.erp.create_product("DEL-1")
    customer = host.create_customer("Soon Merged")
    host.post_invoice(customer, [(product, 1, "10.00")])
    host.sync_now()
    host.sandbox.delete_entity("Customer", qbo_id_of(host, "customer", customer))
    result = host.sync_now()
    customers = result.sections["customers"]
    assert customers.counts.deleted == 1
    assert any("has transactions in the host" in m_ for m_ in customers.messages)
    row = host.erp.get(m.Customer, customer)
    assert row is not None and row.active is False  # never deleted


def test_a_garbled_shared_read_turns_no_section_red(host: FakeHost) -> None:
    """A run reads QBO's changes for all its sections in one shared CDC call. When that one
    answer comes back garbled, each section reads its own changes instead: one passing fault
    must not turn every pulling section red for the run."""
    vendor = host.sandbox.put_entity("Vendor", {"DisplayName": "After The Garble"})
    host.sandbox.faults.malformed_next(1, "truncated", match="/cdc")
    result = host.sync_now()
    assert result.outcome == "success", result.messages
    assert host.erp.rows(m.Vendor, name="After The Garble")
    assert (
        qbo_id_of(host, "vendor", host.erp.rows(m.Vendor, name="After The Garble")[0].id)
        == (vendor["Id"])
    )
