"""customers, both ways."""

from __future__ import annotations

from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.reference_host import models as m

from .conftest import log_entries, qbo_id_of, qbo_one, qbo_records, writes


def test_new_host_customers_are_created_in_quickbooks_by_batch(host: FakeHost) -> None:
    erp = host.erp  # written without firing events, so they all go in one run
    ids = [erp.create_customer(f"Batch Customer {n}", email=f"c{n}@example.com") for n in range(45)]
    batches = host.sandbox.count_requests("batch")
    result = host.sync_now()
    assert result.sections["customers"].counts.created == 45
    assert host.sandbox.count_requests("batch") - batches == 2  # 30 + 15
    for n, key in enumerate(ids):
        record = qbo_one(host, "Customer", DisplayName=f"Batch Customer {n}")
        assert record["PrimaryEmailAddr"]["Address"] == f"c{n}@example.com"
        assert qbo_id_of(host, "customer", key) == record["Id"]


def test_a_host_change_is_sent_as_a_sparse_update_and_unchanged_costs_nothing(
    host: FakeHost,
) -> None:
    key = host.create_customer("Changing Customer", phone="555-1000")
    host.sync_now()
    host.erp.update_customer(key, phone="555-2000")
    host.fire_customer_created(key)
    result = host.sync_now()
    assert result.sections["customers"].counts.updated == 1
    record = qbo_one(host, "Customer", DisplayName="Changing Customer")
    assert record["PrimaryPhone"]["FreeFormNumber"] == "555-2000"
    assert record["SyncToken"] == "1"

    before = writes(host)
    again = host.sync_now()
    assert again.sections["customers"].counts.updated == 0
    assert writes(host) == before


def test_a_quickbooks_change_comes_back_to_the_host_and_is_not_echoed(host: FakeHost) -> None:
    key = host.create_customer("Edited In QuickBooks")
    host.sync_now()
    record = qbo_one(host, "Customer", DisplayName="Edited In QuickBooks")
    host.sandbox.put_entity("Customer", {**record, "CompanyName": "QB Edits Ltd"})
    before = writes(host)
    host.sync_now()
    assert host.erp.get(m.Customer, key).company == "QB Edits Ltd"
    host.sync_now()  # the host row changed (pulled); pushing it back would be an echo
    assert writes(host) == before


def test_a_duplicate_name_is_an_error_with_the_fix(host: FakeHost) -> None:
    key = host.create_customer("Amy's Bird Sanctuary")  # QBO already has a customer of that name
    result = host.sync_now()
    customers = result.sections["customers"]
    assert customers.outcome == "error"
    (entry,) = log_entries(host, section="customers", level="error")
    assert entry.code == "6240"
    assert entry.record == 'customer "Amy\'s Bird Sanctuary"'
    assert "rename one of them, then sync" in entry.fix_hint.lower()
    assert len(qbo_records(host, "Customer", DisplayName="Amy's Bird Sanctuary")) == 1
    assert qbo_id_of(host, "customer", key) is None
    # The sync time held: the next run reviews the customer again, and after the rename it goes.
    host.erp.update_customer(key, name="Amy's Bird Sanctuary (Portland)")
    result = host.sync_now()
    assert result.sections["customers"].outcome == "success"
    assert qbo_one(host, "Customer", DisplayName="Amy's Bird Sanctuary (Portland)")


def test_a_vendor_name_also_counts_as_a_duplicate(host: FakeHost) -> None:
    host.create_customer("Books by Bessie")
    result = host.sync_now()
    assert result.sections["customers"].outcome == "error"
    assert log_entries(host, section="customers", level="error")[0].code == "6240"


def test_jobs_are_created_after_their_parent_in_the_same_run(host: FakeHost) -> None:
    parent = host.erp.create_customer("Parent Co")
    child = host.erp.create_customer("Parent Co Job 1", parent=parent)
    result = host.sync_now()
    assert result.sections["customers"].counts.created == 2
    record = qbo_one(host, "Customer", DisplayName="Parent Co Job 1")
    assert record["Job"] is True
    assert record["ParentRef"]["value"] == qbo_id_of(host, "customer", parent)
    assert qbo_id_of(host, "customer", child) == record["Id"]


def test_a_customer_created_in_quickbooks_arrives_in_the_host(host: FakeHost) -> None:
    host.sandbox.put_entity("Customer", {"DisplayName": "Walk-in Buyer", "Active": True})
    result = host.sync_now()
    assert result.sections["customers"].counts.created == 1
    (row,) = host.erp.rows(m.Customer, name="Walk-in Buyer")
    assert row.customer_no.startswith("QB-")


def test_changed_on_both_sides_keeps_the_newer_with_a_warning(host: FakeHost) -> None:
    key = host.create_customer("Both Sides")
    host.sync_now()
    record = qbo_one(host, "Customer", DisplayName="Both Sides")
    host.sandbox.put_entity("Customer", {**record, "CompanyName": "From QuickBooks"})
    host.erp.update_customer(key, company="From The Host")  # later than the QBO edit
    result = host.sync_now()
    customers = result.sections["customers"]
    assert customers.outcome == "warning"
    assert "changed in both" in customers.messages[0]
    assert qbo_one(host, "Customer", DisplayName="Both Sides")["CompanyName"] == "From The Host"
    assert host.erp.get(m.Customer, key).company == "From The Host"
