"""items, invoices, po_invoices: host -> QBO, with QBO's totals and QBO-side edits."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.reference_host import models as m

from .conftest import log_entries, qbo_id_of, qbo_one, qbo_records, vendor_id, writes


def test_inventory_and_service_items_are_created_with_their_accounts(host: FakeHost) -> None:
    widget = host.erp.create_product(
        "WIDGET-9", price="19.99", cost="11.25", description="A widget"
    )
    service = host.erp.create_product("INSTALL", kind="service", price="80.00")
    host.sync_now()
    item = qbo_one(host, "Item", Name="WIDGET-9")
    assert item["Type"] == "Inventory" and item["TrackQtyOnHand"] is True
    assert item["UnitPrice"] == 19.99 and item["PurchaseCost"] == 11.25
    accounts = {a["Name"]: a["Id"] for a in host.sandbox.entities("Account")}
    assert item["IncomeAccountRef"]["value"] == accounts["Sales of Product Income"]
    assert item["ExpenseAccountRef"]["value"] == accounts["Cost of Goods Sold"]
    assert item["AssetAccountRef"]["value"] == accounts["Inventory Asset"]
    assert qbo_one(host, "Item", Name="INSTALL")["Type"] == "Service"
    assert qbo_id_of(host, "product", widget) == item["Id"]
    assert qbo_id_of(host, "product", service) is not None


def test_an_item_name_with_a_colon_is_refused_before_sending(host: FakeHost) -> None:
    host.erp.create_product("BOLT:M8")
    before = writes(host)
    result = host.sync_now()
    assert result.sections["items"].outcome == "error"
    (entry,) = log_entries(host, section="items", level="error")
    assert "cannot contain ':'" in entry.message and "without ':'" in entry.fix_hint
    assert writes(host) == before


def test_an_invoice_goes_once_and_qbo_tax_is_a_warning(host: FakeHost) -> None:
    product = host.erp.create_product("TAXED-1", price="100.00")
    customer = host.erp.create_customer("Taxed Customer")
    invoice = host.post_invoice(customer, [(product, 1, "100.00")], number="INV-7001")
    result = host.sync_now()
    invoices = result.sections["invoices"]
    assert invoices.counts.created == 1
    assert invoices.outcome == "warning"
    assert invoices.messages == (
        "invoice INV-7001 total changed from 100.00 to 108.00 in QuickBooks (QuickBooks "
        "computed the tax or rounding)",
    )
    record = qbo_one(host, "Invoice", DocNumber="INV-7001")
    assert record["TotalAmt"] == 108.0
    assert record["CustomerRef"]["value"] == qbo_id_of(host, "customer", customer)
    assert qbo_id_of(host, "invoice", invoice) == record["Id"]
    # Synced again: nothing is sent, no new warning.
    before = writes(host)
    again = host.sync_now()
    assert again.sections["invoices"].outcome == "success"
    assert writes(host) == before
    assert len(qbo_records(host, "Invoice", DocNumber="INV-7001")) == 1


def test_an_invoice_edited_in_the_host_is_updated_with_its_sync_token(host: FakeHost) -> None:
    product = host.erp.create_product("EDIT-1", price="10.00", taxable=False)
    customer = host.erp.create_customer("Editing Customer")
    invoice = host.post_invoice(customer, [(product, 3, "10.00")], number="INV-7002")
    host.sync_now()
    host.erp.edit_invoice(invoice, memo="call before delivery")
    host.fire_invoice_posted([invoice])
    result = host.sync_now()
    assert result.sections["invoices"].counts.updated == 1
    record = qbo_one(host, "Invoice", DocNumber="INV-7002")
    assert record["PrivateNote"] == "call before delivery"
    assert record["SyncToken"] == "1"


def test_an_invoice_edited_in_quickbooks_is_a_warning_and_the_host_version_goes_back(
    host: FakeHost,
) -> None:
    product = host.erp.create_product("OWN-1", price="40.00", taxable=False)
    customer = host.erp.create_customer("Owned Customer")
    host.post_invoice(customer, [(product, 2, "40.00")], number="INV-7003")
    host.sync_now()
    record = qbo_one(host, "Invoice", DocNumber="INV-7003")
    line = dict(record["Line"][0])
    line["Amount"] = 120.0
    line["SalesItemLineDetail"] = {**line["SalesItemLineDetail"], "Qty": 3}
    host.sandbox.put_entity("Invoice", {**record, "Line": [line]})

    result = host.sync_now()
    invoices = result.sections["invoices"]
    assert invoices.outcome == "warning"
    assert (
        "the amount changed from 80.00 in the host to 120.00 in QuickBooks" in invoices.messages[0]
    )
    assert "the host's version was sent back" in invoices.messages[0]
    assert qbo_one(host, "Invoice", DocNumber="INV-7003")["TotalAmt"] == 80.0


def test_a_payment_in_quickbooks_does_not_count_as_an_edit(host: FakeHost) -> None:
    product = host.erp.create_product("PAID-1", price="30.00", taxable=False)
    customer = host.erp.create_customer("Prompt Payer")
    invoice = host.post_invoice(customer, [(product, 1, "30.00")], number="INV-7004")
    host.sync_now()
    host.sandbox.put_entity(
        "Payment",
        {
            "CustomerRef": {"value": qbo_id_of(host, "customer", customer)},
            "TotalAmt": 30.0,
            "TxnDate": date.today().isoformat(),
            "Line": [
                {
                    "Amount": 30.0,
                    "LinkedTxn": [
                        {"TxnId": qbo_id_of(host, "invoice", invoice), "TxnType": "Invoice"}
                    ],
                }
            ],
        },
    )
    before = writes(host)
    result = host.sync_now()
    assert result.sections["invoices"].outcome == "success"
    assert writes(host) == before
    assert host.erp.get(m.Invoice, invoice).amount_paid == Decimal("30.00")


def test_an_invoice_waits_for_its_customer_with_a_clear_error(host: FakeHost) -> None:
    product = host.erp.create_product("WAIT-1")
    customer = host.erp.create_customer("Amy's Bird Sanctuary")  # refused: duplicate name
    host.post_invoice(customer, [(product, 1, "10.00")], number="INV-7005")
    result = host.sync_now()
    invoices = result.sections["invoices"]
    assert invoices.outcome == "error"
    assert invoices.messages == (
        'invoice INV-7005 waits for customer "Amy\'s Bird Sanctuary", which is not in '
        "QuickBooks yet",
    )
    assert qbo_records(host, "Invoice", DocNumber="INV-7005") == []


def test_an_invoice_in_a_closed_period_is_refused_before_sending(host: FakeHost) -> None:
    product = host.erp.create_product("OLD-1")
    customer = host.erp.create_customer("Late Customer")
    old = date.today() - timedelta(days=365)
    host.post_invoice(customer, [(product, 1, "10.00")], number="INV-7006", when=old)
    result = host.sync_now()
    (entry,) = log_entries(host, section="invoices", level="error")
    assert entry.code == "closed_period"
    assert "on or before QuickBooks' closing date" in entry.message
    assert "move the closing date back" in entry.fix_hint
    assert result.sections["invoices"].outcome == "error"


def test_a_po_invoice_becomes_a_bill_against_a_quickbooks_vendor(host: FakeHost) -> None:
    product = host.erp.create_product("RECV-1", cost="4.50")
    vendor = vendor_id(host, "Robertson & Associates")
    po_invoice = host.post_po_invoice(
        vendor, [(product, 10, "4.50")], number="B-501", po_number="PO-77"
    )
    result = host.sync_now()
    assert result.sections["po_invoices"].counts.created == 1
    bill = qbo_one(host, "Bill", DocNumber="B-501")
    assert bill["TotalAmt"] == 45.0
    assert bill["VendorRef"]["value"] == qbo_id_of(host, "vendor", vendor)
    assert bill["PrivateNote"] == "PO PO-77"
    assert qbo_id_of(host, "po_invoice", po_invoice) == bill["Id"]
    assert result.sections["inventory"].counts.unchanged >= 1  # its receipt rides on the bill


def test_a_bill_changed_in_quickbooks_is_a_warning(host: FakeHost) -> None:
    product = host.erp.create_product("RECV-2", cost="5.00")
    vendor = vendor_id(host, "Books by Bessie")
    host.post_po_invoice(vendor, [(product, 10, "5.00")], number="B-502")
    host.sync_now()
    bill = qbo_one(host, "Bill", DocNumber="B-502")
    line = dict(bill["Line"][0])
    line["Amount"] = 75.0
    line["ItemBasedExpenseLineDetail"] = {**line["ItemBasedExpenseLineDetail"], "UnitPrice": 7.5}
    host.sandbox.put_entity("Bill", {**bill, "Line": [line]})
    result = host.sync_now()
    po_invoices = result.sections["po_invoices"]
    assert po_invoices.outcome == "warning"
    assert (
        "the amount changed from 50.00 in the host to 75.00 in QuickBooks"
        in po_invoices.messages[0]
    )
    assert qbo_one(host, "Bill", DocNumber="B-502")["TotalAmt"] == 50.0


def test_a_price_change_updates_the_item_and_leaves_its_quantity(host: FakeHost) -> None:
    product = host.erp.create_product("PRICE-1", price="10.00")
    host.post_inventory(product, 7)
    host.sync_now()
    host.erp.update_product(product, unit_price=Decimal("12.00"), description="New look")
    host.fire_inventory_posted([])
    result = host.sync_now()
    assert result.sections["items"].counts.updated == 1
    item = qbo_one(host, "Item", Name="PRICE-1")
    assert (item["UnitPrice"], item["Description"], item["QtyOnHand"]) == (12.0, "New look", 7)


def test_a_po_invoice_edited_in_the_host_updates_its_bill(host: FakeHost) -> None:
    product = host.erp.create_product("RECV-3", cost="2.00")
    vendor = vendor_id(host, "Tim Philip Masonry")
    po_invoice = host.post_po_invoice(vendor, [(product, 5, "2.00")], number="B-503")
    host.sync_now()
    with host.erp.session() as session, session.begin():
        row = session.get_one(m.POInvoice, po_invoice)
        row.memo = "freight included"
    host.fire_invoice_posted([po_invoice], "po_invoice")
    result = host.sync_now()
    assert result.sections["po_invoices"].counts.updated == 1
    assert qbo_one(host, "Bill", DocNumber="B-503")["PrivateNote"] == "freight included"
