"""The batch endpoint: 30 items, per-item faults matched by bId, items blind to each other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox_http import QboHttp, fault_codes

from acctivate_qbo_plugin.sandbox import SandboxServer


def _by_bid(response_body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["bId"]: item for item in response_body["BatchItemResponse"]}


def _create_customer(bid: str, name: str) -> dict[str, Any]:
    return {"bId": bid, "operation": "create", "Customer": {"DisplayName": name}}


def test_thirty_creates_succeed_in_one_request(api: QboHttp, sandbox: SandboxServer) -> None:
    items = [_create_customer(f"b{n}", f"Batch Customer {n}") for n in range(30)]
    response = api.batch(items)
    assert response.status_code == 200
    results = _by_bid(response.json())
    assert set(results) == {f"b{n}" for n in range(30)}
    assert all(
        results[f"b{n}"]["Customer"]["DisplayName"] == f"Batch Customer {n}" for n in range(30)
    )
    ids = {item["Customer"]["Id"] for item in results.values()}
    assert len(ids) == 30
    assert sandbox.count_requests("batch") == 1


def test_thirty_one_items_are_refused_with_1040(api: QboHttp, sandbox: SandboxServer) -> None:
    items = [_create_customer(f"b{n}", f"Too Many {n}") for n in range(31)]
    response = api.batch(items)
    assert response.status_code == 400
    assert fault_codes(response) == ["1040"]
    assert not [c for c in sandbox.entities("Customer") if c["DisplayName"].startswith("Too Many")]


def test_items_fail_alone_and_are_matched_by_bid(api: QboHttp, sandbox: SandboxServer) -> None:
    invoice = api.created(
        "Invoice",
        {
            "CustomerRef": {"value": "1"},
            "Line": [
                {
                    "Amount": 5,
                    "DetailType": "SalesItemLineDetail",
                    "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
                }
            ],
        },
    )
    items = [
        {"bId": "ok", "operation": "create", "Vendor": {"DisplayName": "Boraski Family Store"}},
        {"bId": "gone", "operation": "delete", "Invoice": {"Id": "999999", "SyncToken": "0"}},
        {
            "bId": "stale",
            "operation": "update",
            "Invoice": {"Id": invoice["Id"], "SyncToken": "7", "sparse": True},
        },
        {"bId": "dup", "operation": "create", "Customer": {"DisplayName": "amy's bird sanctuary"}},
        {"bId": "q", "Query": "SELECT * FROM Term WHERE Name = 'Net 30'"},
    ]
    response = api.batch(items)
    assert response.status_code == 200
    results = _by_bid(response.json())
    assert [item["bId"] for item in response.json()["BatchItemResponse"]] == [
        "ok",
        "gone",
        "stale",
        "dup",
        "q",
    ]
    assert results["ok"]["Vendor"]["DisplayName"] == "Boraski Family Store"
    for bid, code in (("gone", "610"), ("stale", "5010"), ("dup", "6240")):
        fault = results[bid]["Fault"]
        assert fault["type"] == "ValidationFault"
        assert [error["code"] for error in fault["Error"]] == [code]
        assert all("element" in error for error in fault["Error"])
    assert "Stale Object Error" in results["stale"]["Fault"]["Error"][0]["Detail"]
    assert [term["Name"] for term in results["q"]["QueryResponse"]["Term"]] == ["Net 30"]
    assert "time" in response.json()


def test_items_cannot_see_each_others_results(api: QboHttp, sandbox: SandboxServer) -> None:
    # Customer, Vendor and Employee share one Id sequence in QBO.
    parties = [
        r["Id"] for kind in ("Customer", "Vendor", "Employee") for r in sandbox.entities(kind)
    ]
    next_id = str(max(int(i) for i in parties) + 1)
    items = [
        _create_customer("new", "Brand New Customer"),
        {
            "bId": "inv",
            "operation": "create",
            "Invoice": {
                "CustomerRef": {"value": next_id},
                "Line": [
                    {
                        "Amount": 5,
                        "DetailType": "SalesItemLineDetail",
                        "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
                    }
                ],
            },
        },
        {"bId": "look", "Query": "SELECT * FROM Customer WHERE DisplayName = 'Brand New Customer'"},
    ]
    results = _by_bid(api.batch(items).json())
    assert results["new"]["Customer"]["Id"] == next_id
    assert [e["code"] for e in results["inv"]["Fault"]["Error"]] == ["2500"]
    assert results["look"]["QueryResponse"] == {}
    assert api.rows("SELECT * FROM Customer WHERE DisplayName = 'Brand New Customer'")


def test_update_delete_and_void_items(api: QboHttp) -> None:
    line = {
        "Amount": 40,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
    }
    first = api.created("Invoice", {"CustomerRef": {"value": "1"}, "Line": [line]})
    second = api.created("Invoice", {"CustomerRef": {"value": "1"}, "Line": [line]})
    customer = api.created("Customer", {"DisplayName": "Sparse In Batch"})
    items = [
        {
            "bId": "void",
            "operation": "update",
            "optionsData": "void",
            "Invoice": {"Id": first["Id"], "SyncToken": "0"},
        },
        {"bId": "del", "operation": "delete", "Invoice": {"Id": second["Id"], "SyncToken": "0"}},
        {
            "bId": "upd",
            "operation": "update",
            "Customer": {"Id": customer["Id"], "SyncToken": "0", "sparse": True, "Notes": "n"},
        },
    ]
    results = _by_bid(api.batch(items).json())
    assert results["void"]["Invoice"]["TotalAmt"] == 0
    assert results["void"]["Invoice"]["PrivateNote"] == "Voided"
    assert results["del"]["Invoice"] == {"domain": "QBO", "status": "Deleted", "Id": second["Id"]}
    assert results["upd"]["Customer"]["SyncToken"] == "1"
    assert results["upd"]["Customer"]["Notes"] == "n"


def test_malformed_batches_are_refused_whole(api: QboHttp) -> None:
    assert api.post("/batch", {"Items": []}).status_code == 400
    no_bid = api.batch([{"operation": "create", "Customer": {"DisplayName": "No bId"}}])
    assert no_bid.status_code == 400 and fault_codes(no_bid) == ["2020"]
    twice = api.batch([_create_customer("same", "One"), _create_customer("same", "Two")])
    assert twice.status_code == 400


def test_a_bad_item_gets_its_own_fault(api: QboHttp) -> None:
    items = [
        {"bId": "op", "operation": "upsert", "Customer": {"DisplayName": "Nope"}},
        {"bId": "ent", "operation": "create", "Spaceship": {"Name": "Nope"}},
        {"bId": "cdc", "CDCQuery": {"Entities": "Customer"}},
        {"bId": "noid", "operation": "update", "Customer": {"SyncToken": "0", "DisplayName": "X"}},
    ]
    response = api.batch(items)
    assert response.status_code == 200
    results = _by_bid(response.json())
    assert all("Fault" in results[bid] for bid in ("op", "ent", "cdc", "noid"))
    assert [e["code"] for e in results["noid"]["Fault"]["Error"]] == ["2020"]


def test_a_batch_counts_once_per_minute_and_toward_the_batch_limit(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(
        requests_per_minute=5, requests_per_second=None, batch_per_minute=2
    )
    sandbox.clock.freeze()
    client = QboHttp(sandbox)
    items = [_create_customer(f"b{n}", f"Limit Customer {n}") for n in range(30)]
    assert client.batch(items[:15]).status_code == 200
    assert client.batch(items[15:]).status_code == 200
    third = client.batch([_create_customer("c", "Third Batch")])
    assert third.status_code == 429
    assert "ThrottleExceeded" in third.text
    # 30 items went through, yet only 2 of the 5 per-minute requests are used up.
    assert client.rows("SELECT * FROM Term WHERE Name = 'Net 15'")
    assert client.get("/customer/1").status_code == 200
    assert client.get("/customer/2").status_code == 200
    assert client.get("/customer/3").status_code == 429
    assert sandbox.count_requests("throttled") == 2
    client.close()
