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
    qbo_before = store.sync_time("journals").qbo_sync_time
    result = host.sync_now()
    assert result.sections["journals"].counts.created == 5
    assert store.sync_time("journals").sync_time == held  # an error: the window is kept
    # The error is about a host record: the QBO side was reviewed cleanly and moves on, so
    # the next run does not read QBO's changes of this window again.
    qbo_after = store.sync_time("journals").qbo_sync_time
    assert qbo_after is not None and (qbo_before is None or qbo_after > qbo_before)

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


def test_plugin_tables_in_their_own_database_still_sync_only_what_changed(
    connected_host_factory, tmp_path
) -> None:
    """``[database] url`` puts the plugin's tables in a database of their own: the host's
    records are still read from the host's database, and records already in QuickBooks as
    they are cost nothing on the next run (found without a join across the two)."""
    from sqlalchemy import inspect

    plugin_url = f"sqlite:///{tmp_path / 'plugin-tables.db'}"
    host = connected_host_factory(database={"url": plugin_url})
    assert host.sync_now().outcome == "success"
    assert str(host.runtime.store.engine.url) == plugin_url
    assert not inspect(host.erp.engine).has_table("tbSyncMap")

    product = host.erp.create_product("SEP-1", price="10.00", taxable=False)
    customer = host.erp.create_customer("Separate Tables Customer")
    invoices = [
        host.erp.post_invoice(customer, [(product, 1, "10.00")], number=f"INV-SEP{n}")
        for n in range(3)
    ]
    pushed = host.sync_now()
    assert pushed.sections["invoices"].counts.created == 3

    before = writes(host)
    again = host.sync_now()
    assert again.sections["invoices"].counts.unchanged == 3
    assert writes(host) == before

    host.erp.edit_invoice(invoices[1], memo="leave at the back door")
    edited = host.sync_now()
    assert edited.sections["invoices"].counts.updated == 1
    assert edited.sections["invoices"].counts.unchanged == 2
    assert qbo_one(host, "Invoice", DocNumber="INV-SEP1")["PrivateNote"] == "leave at the back door"


def test_a_quickbooks_customer_that_cannot_be_imported_holds_the_quickbooks_side(
    host: FakeHost,
) -> None:
    """Customers sync both ways: an error about a QBO customer (here one without a usable
    name) must keep QBO's side of the window, or the next run would read past it and the
    customer would never come in, even once fixed in QBO."""
    store = host.runtime.store
    before = store.sync_time("customers")
    broken = host.sandbox.put_entity("Customer", {"DisplayName": ["not", "text"]})
    result = host.sync_now()
    assert result.sections["customers"].outcome == "error"
    after = store.sync_time("customers")
    assert after.qbo_sync_time == before.qbo_sync_time
    assert after.sync_time == before.sync_time

    host.sandbox.put_entity("Customer", {**broken, "DisplayName": "Fixed In QuickBooks"})
    fixed = host.sync_now()
    assert fixed.sections["customers"].outcome == "success"
    assert len(host.erp.rows(m.Customer, name="Fixed In QuickBooks")) == 1


def test_a_row_changed_during_the_run_is_read_again_next_run(host: FakeHost) -> None:
    """A row the host changes while a run is under way could change again within the same
    tick of the host's clock and keep its change time; so its link must not remember that
    time as settled (which would let the next review skip the row unread). The run after
    settles it, and from then on an unchanged row is not read at all."""
    product = host.erp.create_product("TICK-1", price="10.00", taxable=False)
    customer = host.erp.create_customer("Same Tick Customer")
    invoice = host.erp.post_invoice(customer, [(product, 1, "10.00")], number="INV-TICK")
    assert host.sync_now().sections["invoices"].counts.created == 1

    class ClerkEditingMeanwhile:
        @hookimpl
        def acctivate_section_started(self, section: str) -> None:
            if section == "invoices":
                host.erp.edit_invoice(invoice, memo="edited while the sync ran")

    def settled_at() -> Any:
        return (
            MappingStore(host.runtime.store)
            .links("invoice", [str(invoice)])[str(invoice)]
            .host_changed_at
        )

    host.pm.register(ClerkEditingMeanwhile(), name="clerk")
    during = host.sync_now()
    host.pm.unregister(name="clerk")
    assert during.sections["invoices"].counts.updated == 1
    assert qbo_one(host, "Invoice", DocNumber="INV-TICK")["PrivateNote"] == (
        "edited while the sync ran"
    )
    assert settled_at() is None  # changed after the run began: not remembered as settled

    after = host.sync_now()
    assert after.sections["invoices"].counts.unchanged == 1
    assert settled_at() is not None  # now before the run's start: settled
