"""inventory and journals: host -> QBO, with the errors a bookkeeper must fix."""

from __future__ import annotations

from datetime import date, timedelta

from acctivate_qbo_plugin.fake_host import FakeHost

from .conftest import log_entries, qbo_id_of, qbo_one, qbo_records, writes


def test_an_adjustment_moves_the_quickbooks_quantity(host: FakeHost) -> None:
    product = host.erp.create_product("COUNT-1")
    host.sync_now()
    txn = host.post_inventory(product, 12, memo="cycle count", number="ADJ-1")
    result = host.sync_now()
    assert result.sections["inventory"].counts.created == 1
    adjustment = qbo_one(host, "InventoryAdjustment", DocNumber="ADJ-1")
    detail = adjustment["Line"][0]["ItemAdjustmentLineDetail"]
    assert detail["QtyDiff"] == 12
    assert detail["ItemRef"]["value"] == qbo_id_of(host, "product", product)
    accounts = {a["Name"]: a["Id"] for a in host.sandbox.entities("Account")}
    assert adjustment["AdjustAccountRef"]["value"] == accounts["Inventory Shrinkage"]
    assert qbo_one(host, "Item", Name="COUNT-1")["QtyOnHand"] == 12
    assert qbo_id_of(host, "inventory", txn) == adjustment["Id"]


def test_a_transfer_between_warehouses_sends_nothing(host: FakeHost) -> None:
    product = host.erp.create_product("MOVE-1")
    host.sync_now()
    before = writes(host)
    host.post_inventory(product, 5, kind="transfer", from_warehouse="MAIN", to_warehouse="EAST")
    result = host.sync_now()
    assert result.sections["inventory"].counts.unchanged == 1
    assert writes(host) == before


def test_an_adjustment_before_the_item_start_date_is_refused_by_quickbooks(host: FakeHost) -> None:
    start = date.today() - timedelta(days=5)
    product = host.erp.create_product("EARLY-1", start_date=start)
    host.post_inventory(product, 3, when=start - timedelta(days=2), number="ADJ-EARLY")
    result = host.sync_now()
    assert result.sections["inventory"].outcome == "error"
    (entry,) = log_entries(host, section="inventory", level="error")
    assert entry.code == "6270"
    assert entry.record == "inventory transaction ADJ-EARLY"
    assert entry.fix_hint
    assert qbo_records(host, "InventoryAdjustment", DocNumber="ADJ-EARLY") == []


def test_a_journal_is_posted(host: FakeHost) -> None:
    journal = host.erp.post_journal(
        [("Cost of Goods Sold", "25.00", "0"), ("Inventory Asset", "0", "25.00")],
        number="GL-100",
        memo="COGS for INV-1",
    )
    host.fire_inventory_posted([])
    result = host.sync_now()
    assert result.sections["journals"].counts.created == 1
    entry = qbo_one(host, "JournalEntry", DocNumber="GL-100")
    postings = sorted(
        (line["JournalEntryLineDetail"]["PostingType"], line["Amount"]) for line in entry["Line"]
    )
    assert postings == [("Credit", 25.0), ("Debit", 25.0)]
    assert qbo_id_of(host, "journal", journal) == entry["Id"]


def test_a_journal_out_of_balance_is_an_error_found_before_sending(host: FakeHost) -> None:
    host.erp.post_journal(
        [("Cost of Goods Sold", "25.00", "0"), ("Inventory Asset", "0", "24.00")], number="GL-101"
    )
    before = writes(host)
    result = host.sync_now()
    journals = result.sections["journals"]
    assert journals.outcome == "error"
    assert journals.messages == (
        "journal GL-101 is out of balance: debits 25.00, credits 24.00 (difference 1.00)",
    )
    (entry,) = log_entries(host, section="journals", level="error")
    assert entry.code == "out_of_balance" and "COGS" in entry.fix_hint
    assert writes(host) == before


def test_a_journal_in_a_closed_period_is_an_error_and_the_rest_goes_on(host: FakeHost) -> None:
    old = date.today() - timedelta(days=400)
    host.erp.post_journal(
        [("Cost of Goods Sold", "5.00", "0"), ("Inventory Asset", "0", "5.00")],
        number="GL-OLD",
        when=old,
    )
    host.erp.post_journal(
        [("Cost of Goods Sold", "6.00", "0"), ("Inventory Asset", "0", "6.00")], number="GL-NEW"
    )
    result = host.sync_now()
    journals = result.sections["journals"]
    assert journals.outcome == "error"
    assert journals.counts.created == 1
    assert qbo_records(host, "JournalEntry", DocNumber="GL-OLD") == []
    assert len(qbo_records(host, "JournalEntry", DocNumber="GL-NEW")) == 1
    (entry,) = log_entries(host, section="journals", level="error")
    assert entry.code == "closed_period" and entry.record == "journal GL-OLD"


def test_a_closing_date_moved_in_quickbooks_is_read_again_next_run(host: FakeHost) -> None:
    host.sandbox.set_book_close_date(date.today() - timedelta(days=1))
    host.erp.post_journal(
        [("Cost of Goods Sold", "7.00", "0"), ("Inventory Asset", "0", "7.00")],
        number="GL-YDAY",
        when=date.today() - timedelta(days=1),
    )
    assert host.sync_now().sections["journals"].outcome == "error"
    host.sandbox.set_book_close_date(date.today() - timedelta(days=30))
    assert host.sync_now().sections["journals"].outcome == "success"
    assert len(qbo_records(host, "JournalEntry", DocNumber="GL-YDAY")) == 1


def test_a_journal_on_an_account_quickbooks_does_not_have_is_an_error(host: FakeHost) -> None:
    from acctivate_qbo_plugin.reference_host import models as m

    with host.erp.session() as session, session.begin():
        session.add(
            m.Account(name="Host Only", full_name="Host Only", account_type="Expense", active=True)
        )
    host.erp.post_journal(
        [("Host Only", "3.00", "0"), ("Inventory Asset", "0", "3.00")], number="GL-BAD"
    )
    result = host.sync_now()
    (entry,) = log_entries(host, section="journals", level="error")
    assert entry.code == "invalid_account"
    assert "account 'Host Only'" in entry.message
    assert result.sections["journals"].outcome == "error"


def test_a_journal_deleted_in_quickbooks_is_created_again(host: FakeHost) -> None:
    host.erp.post_journal(
        [("Cost of Goods Sold", "8.00", "0"), ("Inventory Asset", "0", "8.00")], number="GL-DEL"
    )
    host.sync_now()
    entry = qbo_one(host, "JournalEntry", DocNumber="GL-DEL")
    host.sandbox.delete_entity("JournalEntry", entry["Id"])
    result = host.sync_now()
    journals = result.sections["journals"]
    assert journals.outcome == "warning"
    assert "deleted in QuickBooks" in journals.messages[0]
    assert len(qbo_records(host, "JournalEntry", DocNumber="GL-DEL")) == 1


def test_an_adjustment_corrected_in_the_host_is_updated(host: FakeHost) -> None:
    from acctivate_qbo_plugin.reference_host import models as m

    product = host.erp.create_product("FIX-1")
    txn = host.post_inventory(product, 4, number="ADJ-FIX")
    host.sync_now()
    with host.erp.session() as session, session.begin():
        session.get_one(m.InventoryTransaction, txn).qty_delta = 6
    host.fire_inventory_posted([txn])
    result = host.sync_now()
    assert result.sections["inventory"].counts.updated == 1
    adjustment = qbo_one(host, "InventoryAdjustment", DocNumber="ADJ-FIX")
    assert adjustment["Line"][0]["ItemAdjustmentLineDetail"]["QtyDiff"] == 6
