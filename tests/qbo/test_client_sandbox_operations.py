"""Every operation over real sockets against the local sandbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from qbo_test_support import settle

from acctivate_qbo_plugin.qbo import (
    BatchItem,
    DuplicateName,
    InvalidQuery,
    StaleObject,
    quote,
    request_id,
    select,
)

HOSTILE_NAMES = [
    "Amy's Bird Sanctuary",
    "Robertson & Associates",
    "100% Organic",
    "Back\\slash Supplies",
    "Zoë Ångström 東京",
    "x' OR Name = 'y",
    "y",
    "Trailing quote'",
]


def new_customer(client: Any, name: str, key: str | None = None) -> dict[str, Any]:
    rid = request_id(client.realm_id, "customers", key or name, "create")
    return client.create("Customer", {"DisplayName": name}, request_id=rid).entity


def test_read_create_update_sparse_delete_void(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    created = client.create(
        "Customer",
        {"DisplayName": "Operations Test Co"},
        request_id=request_id(client.realm_id, "customers", "OPS-1", "create"),
    )
    assert created.entity["DisplayName"] == "Operations Test Co"
    assert isinstance(created.time, datetime) and created.time.utcoffset() is not None
    read = client.read("Customer", created.id)
    assert read.entity == created.entity

    sparse = client.sparse_update(
        "Customer",
        created.id,
        created.sync_token,
        {"CompanyName": "Ops Ltd"},
        request_id=request_id(client.realm_id, "customers", "OPS-1", "update", "1"),
    )
    assert sparse.entity["CompanyName"] == "Ops Ltd"
    assert sparse.entity["DisplayName"] == "Operations Test Co"
    assert int(sparse.sync_token) == int(created.sync_token) + 1

    with pytest.raises(StaleObject) as stale:
        client.sparse_update(
            "Customer", created.id, created.sync_token, {"Notes": "late"}, request_id=None
        )
    assert stale.value.code == "5010"

    full = dict(sparse.entity, Notes="full update")
    updated = client.update("Customer", full, request_id=None)
    assert updated.entity["Notes"] == "full update"

    customer_ref = {"value": created.id}
    item = next(i for i in qbo_sandbox.entities("Item") if i.get("Type") == "Service")
    invoice = client.create(
        "Invoice",
        {
            "CustomerRef": customer_ref,
            "Line": [
                {
                    "Amount": 50.0,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {
                        "ItemRef": {"value": item["Id"]},
                        "Qty": 1,
                        "UnitPrice": 50,
                    },
                }
            ],
        },
        request_id=request_id(client.realm_id, "invoices", "OPS-INV-1", "create"),
    )
    voided = client.void("Invoice", invoice.id, invoice.sync_token, request_id=None)
    assert voided.entity["TotalAmt"] == 0
    deleted = client.delete("Invoice", voided.id, voided.sync_token, request_id=None)
    assert (deleted.id, deleted.status) == (invoice.id, "Deleted")
    assert qbo_sandbox.entity("Invoice", invoice.id) is None


def test_every_call_sends_minorversion_and_writes_their_requestid(
    qbo_sandbox: Any, make_client: Any
) -> None:
    client = make_client(qbo_sandbox)
    rid = request_id(client.realm_id, "customers", "MV-1", "create")
    new_customer(client, "Minor Version Co", key="MV-1")
    client.query(select("Customer").page(1, 5))
    client.preferences()
    settle(client)
    records = [r for r in qbo_sandbox.request_log if r.kind != "token"]
    assert records and all("minorversion=75" in r.query for r in records)
    create = next(r for r in records if r.kind == "create")
    assert create.requestid == rid


def test_hostile_names_find_exactly_the_record_named(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    existing = {c["DisplayName"] for c in qbo_sandbox.entities("Customer")}
    for name in HOSTILE_NAMES:
        if name not in existing:  # the seed company may have Amy's already
            qbo_sandbox.put_entity("Customer", {"DisplayName": name, "Active": True})
    for name in HOSTILE_NAMES:
        page = client.query(select("Customer").where("DisplayName", "=", name))
        assert [row["DisplayName"] for row in page.rows] == [name], name
    statement = f"SELECT * FROM Customer WHERE DisplayName = {quote('y')}"
    assert [r["DisplayName"] for r in client.query(statement).rows] == ["y"]


def test_count_and_query_errors(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    active = [c for c in qbo_sandbox.entities("Customer") if c.get("Active", True)]
    counted = client.count(select("Customer"))
    assert counted.count == len(active)
    assert counted.time is not None
    with pytest.raises(InvalidQuery) as caught:
        client.query("SELECT * FROM Custmoer")
    assert caught.value.code == "4001" and caught.value.status == 400


def test_duplicate_name_is_typed_with_a_hint(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    new_customer(client, "Twin Name Co", key="TWIN-1")
    with pytest.raises(DuplicateName) as caught:
        new_customer(client, "Twin Name Co", key="TWIN-2")
    assert caught.value.code == "6240"
    assert "rename one of them" in caught.value.fix_hint
    assert caught.value.intuit_tid


def test_batch_chunks_any_number_and_matches_results(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    stale = new_customer(client, "Batch Stale Target", key="BST")
    fresh = client.sparse_update(
        "Customer", stale["Id"], stale["SyncToken"], {"Notes": "v2"}, request_id=None
    ).entity
    items = [
        BatchItem.create(
            "Customer",
            {"DisplayName": f"Batch Customer {i:02d}"},
            request_id=request_id(client.realm_id, "customers", f"B{i}", "create"),
        )
        for i in range(65)
    ]
    items.insert(
        7,
        BatchItem.sparse_update(
            "Customer",
            stale["Id"],
            stale["SyncToken"],
            {"Notes": "stale"},
            request_id="stale-write-1",
        ),
    )
    items.insert(
        40, BatchItem.select("SELECT * FROM Customer WHERE DisplayName = 'Batch Stale Target'")
    )
    before = qbo_sandbox.count_requests("batch")
    results = client.batch(items)
    settle(client)
    assert qbo_sandbox.count_requests("batch") - before == 3  # 67 items -> 30 + 30 + 7
    assert [r.index for r in results] == list(range(67))
    assert isinstance(results[7].error, StaleObject) and results[7].entity is None
    assert results[40].query_page is not None
    assert [row["Id"] for row in results[40].query_page.rows] == [fresh["Id"]]
    created = [r for i, r in enumerate(results) if i not in (7, 40)]
    assert all(r.ok and r.entity_name == "Customer" for r in created)
    names = [r.entity["DisplayName"] for r in created]
    assert names == [f"Batch Customer {i:02d}" for i in range(65)]


def test_preferences_and_company_info(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    prefs = client.preferences()
    assert "AccountingInfoPrefs" in prefs.entity
    info = client.company_info()
    assert info.entity_name == "CompanyInfo" and info.entity.get("CompanyName")
    # The server's time, with the company's offset (never the client's clock).
    assert info.time is not None and info.time.utcoffset() in (
        timedelta(hours=-7),
        timedelta(hours=-8),
    )
