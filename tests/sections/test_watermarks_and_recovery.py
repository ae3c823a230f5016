"""Sync times with real sections (hold and quarantine), stale tokens, interrupted creates."""

from __future__ import annotations

from typing import Any

from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.reference_host import models as m
from acctivate_qbo_plugin.state.mapping import Link, MappingStore
from hookspecs import hookimpl

from .conftest import log_entries, qbo_id_of, qbo_one, qbo_records, writes


def balanced(number: str, amount: str = "5.00") -> dict[str, Any]:
    return {
        "lines": [("Cost of Goods Sold", amount, "0"), ("Inventory Asset", "0", amount)],
        "number": number,
    }


def test_hold_keeps_the_sync_time_and_re_reviewing_costs_no_writes(host: FakeHost) -> None:
    store = host.runtime.store
    for n in range(5):
        host.erp.post_journal(**balanced(f"GL-H{n}"))
    bad = host.erp.post_journal(
        [("Cost of Goods Sold", "9.00", "0"), ("Inventory Asset", "0", "8.00")], number="GL-HBAD"
    )
    held = store.sync_time("journals").sync_time
    result = host.sync_now()
    assert result.sections["journals"].counts.created == 5
    assert store.sync_time("journals").sync_time == held  # an error: the window is kept

    before = writes(host)
    again = host.sync_now()  # reviews the same six journals
    assert again.sections["journals"].counts.unchanged == 5
    assert writes(host) == before
    assert store.sync_time("journals").sync_time == held

    with host.erp.session() as session, session.begin():
        line = session.get_one(m.GLJournal, bad).lines[1]
        line.credit = line.credit + 1
    fixed = host.sync_now()
    assert fixed.sections["journals"].outcome == "success"
    assert store.sync_time("journals").sync_time > held
    assert len(qbo_records(host, "JournalEntry", DocNumber="GL-HBAD")) == 1


def test_quarantine_advances_and_retries_the_failed_record_first(connected_host_factory) -> None:
    host = connected_host_factory(sync={"on_record_error": "quarantine"})
    host.sync_now()
    store = host.runtime.store
    bad = host.erp.post_journal(
        [("Cost of Goods Sold", "9.00", "0"), ("Inventory Asset", "0", "8.00")], number="GL-QBAD"
    )
    host.erp.post_journal(**balanced("GL-QOK"))
    before = store.sync_time("journals").sync_time
    result = host.sync_now()
    assert result.sections["journals"].outcome == "error"
    assert store.sync_time("journals").sync_time > before
    (retry,) = store.retry_records("journals")
    assert retry.record == str(bad) and retry.code == "out_of_balance"

    still = host.sync_now()  # not changed in the host, but retried from the list
    assert still.sections["journals"].outcome == "error"
    assert store.retry_records("journals")[0].attempts == 2

    with host.erp.session() as session, session.begin():
        line = session.get_one(m.GLJournal, bad).lines[1]
        line.credit = line.credit + 1
    fixed = host.sync_now()
    assert fixed.sections["journals"].outcome == "success"
    assert store.retry_records("journals") == []
    assert len(qbo_records(host, "JournalEntry", DocNumber="GL-QBAD")) == 1


def test_a_stale_sync_token_rereads_and_retries_once(host: FakeHost) -> None:
    product = host.erp.create_product("STALE-1", price="10.00", taxable=False)
    customer = host.erp.create_customer("Stale Customer")
    invoice = host.post_invoice(customer, [(product, 1, "10.00")], number="INV-8001")
    host.sync_now()

    class BookkeeperEditingMeanwhile:
        """Edits the invoice in QBO after the run read QBO's changes, before it updates."""

        @hookimpl
        def acctivate_section_started(self, section: str) -> None:
            if section == "invoices":
                record = qbo_one(host, "Invoice", DocNumber="INV-8001")
                host.sandbox.put_entity("Invoice", {**record, "CustomerMemo": {"value": "hi"}})

    host.pm.register(BookkeeperEditingMeanwhile(), name="bookkeeper")
    host.erp.edit_invoice(invoice, memo="changed in the host")
    host.fire_invoice_posted([invoice])
    result = host.sync_now()
    host.pm.unregister(name="bookkeeper")

    invoices = result.sections["invoices"]
    assert invoices.counts.updated == 1 and invoices.counts.errors == 0
    record = qbo_one(host, "Invoice", DocNumber="INV-8001")
    assert record["PrivateNote"] == "changed in the host"
    assert record["SyncToken"] == "2"


def test_an_interrupted_create_is_found_in_quickbooks_not_created_twice(host: FakeHost) -> None:
    """The process died after QBO created the customer and before the mapping said so."""
    key = host.erp.create_customer("Half Written")
    qbo = host.sandbox.put_entity("Customer", {"DisplayName": "Half Written", "Active": True})
    MappingStore(host.runtime.store).save(
        [
            Link(
                kind="customer",
                host_key=str(key),
                qbo_entity="Customer",
                state="pending",
                natural_key="Half Written",
            )
        ]
    )
    result = host.sync_now()
    assert result.sections["customers"].counts.errors == 0
    assert len(qbo_records(host, "Customer", DisplayName="Half Written")) == 1
    assert qbo_id_of(host, "customer", key) == qbo["Id"]


def test_a_refused_create_gets_a_new_requestid_once_fixed_outside_the_record(
    host: FakeHost,
) -> None:
    """QBO answers a repeated requestid with its first answer: after a refusal, the same
    payload must go with a new one, or the fix (here: the closing date) would never count."""
    from datetime import date, timedelta

    host.sandbox.set_book_close_date(date.today() - timedelta(days=400))
    host.erp.post_journal(**balanced("GL-CLOSE"), when=date.today() - timedelta(days=10))

    # QBO's closing date moves forward after we read it: QBO itself refuses (6210).
    class CloseTheBooks:
        @hookimpl
        def acctivate_section_started(self, section: str) -> None:
            if section == "journals":
                host.sandbox.set_book_close_date(date.today() - timedelta(days=1))

    host.pm.register(CloseTheBooks(), name="closer")
    refused = host.sync_now()
    host.pm.unregister(name="closer")
    assert refused.sections["journals"].outcome == "error"
    assert log_entries(host, section="journals", level="error")[0].code in ("6200", "6210")

    host.sandbox.set_book_close_date(date.today() - timedelta(days=400))
    accepted = host.sync_now()
    assert accepted.sections["journals"].outcome == "success"
    assert len(qbo_records(host, "JournalEntry", DocNumber="GL-CLOSE")) == 1
