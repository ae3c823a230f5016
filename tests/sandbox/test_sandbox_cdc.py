"""Change data capture: changed objects, deletion stubs, the 30-day limit and the 1000 cap."""

from __future__ import annotations

import datetime as dt

from sandbox_http import QboHttp, fault_codes

from acctivate_qbo_plugin.sandbox import SandboxServer


def _since(sandbox: SandboxServer, seconds_ago: float) -> str:
    instant = sandbox.clock.now() - dt.timedelta(seconds=seconds_ago)
    return instant.astimezone(dt.timezone(dt.timedelta(hours=-8))).isoformat(timespec="seconds")


def _invoice_body(customer: str = "1") -> dict[str, object]:
    line = {
        "Amount": 25.0,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
    }
    return {"CustomerRef": {"value": customer}, "Line": [line]}


def test_a_fresh_sandbox_reports_no_changes_in_the_last_days(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    response = api.cdc("Customer,Item", _since(sandbox, 7 * 86400))
    assert response.status_code == 200
    assert response.json()["CDCResponse"] == [{"QueryResponse": [{}, {}]}]


def test_changes_come_back_as_full_objects_grouped_by_entity(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    since = _since(sandbox, 5)
    customer = api.created("Customer", {"DisplayName": "Changed Customer"})
    invoice = api.created("Invoice", _invoice_body(customer["Id"]))
    body = api.cdc("Customer,Vendor,Invoice", since).json()
    blocks = body["CDCResponse"][0]["QueryResponse"]
    assert len(blocks) == 3
    customers = {row["Id"]: row for row in blocks[0]["Customer"]}
    assert customers[customer["Id"]]["DisplayName"] == "Changed Customer"
    assert blocks[0]["startPosition"] == 1 and blocks[0]["maxResults"] == len(blocks[0]["Customer"])
    assert blocks[1] == {}  # no vendor changed
    assert [row["Id"] for row in blocks[2]["Invoice"]] == [invoice["Id"]]
    assert blocks[2]["Invoice"][0] == api.read("Invoice", invoice["Id"]).json()["Invoice"]
    assert body["time"].endswith(("-08:00", "-07:00"))


def test_entity_names_are_matched_in_any_case(api: QboHttp, sandbox: SandboxServer) -> None:
    since = _since(sandbox, 5)
    api.created("Customer", {"DisplayName": "Case Insensitive"})
    blocks = api.cdc("customer", since).json()["CDCResponse"][0]["QueryResponse"]
    assert "Customer" in blocks[0]


def test_deleted_transactions_come_back_as_stubs(api: QboHttp, sandbox: SandboxServer) -> None:
    invoice = api.created("Invoice", _invoice_body())
    since = _since(sandbox, 0)
    sandbox.clock.shift(2)
    deleted = api.post(
        "/invoice", {"Id": invoice["Id"], "SyncToken": invoice["SyncToken"]}, operation="delete"
    )
    assert deleted.status_code == 200
    stub = api.cdc("Invoice", since).json()["CDCResponse"][0]["QueryResponse"][0]["Invoice"][0]
    assert set(stub) == {"domain", "status", "Id", "MetaData"}
    assert (stub["domain"], stub["status"], stub["Id"]) == ("QBO", "Deleted", invoice["Id"])
    assert set(stub["MetaData"]) == {"LastUpdatedTime"}


def test_records_deleted_in_the_ui_are_reported_too(api: QboHttp, sandbox: SandboxServer) -> None:
    since = _since(sandbox, 1)
    sandbox.delete_entity("Customer", "2")
    rows = api.cdc("Customer", since).json()["CDCResponse"][0]["QueryResponse"][0]["Customer"]
    assert rows == [sandbox_stub(rows[0]["MetaData"]["LastUpdatedTime"], "2")]
    assert api.read("Customer", "2").status_code == 400


def sandbox_stub(stamp: str, entity_id: str) -> dict[str, object]:
    return {
        "domain": "QBO",
        "status": "Deleted",
        "Id": entity_id,
        "MetaData": {"LastUpdatedTime": stamp},
    }


def test_changed_since_is_inclusive_and_honours_its_offset(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    created = api.created("Customer", {"DisplayName": "Boundary"})
    stamp = dt.datetime.fromisoformat(created["MetaData"]["LastUpdatedTime"])
    same_instant_elsewhere = stamp.astimezone(
        dt.timezone(dt.timedelta(hours=5, minutes=30))
    ).isoformat()
    rows = api.cdc("Customer", same_instant_elsewhere).json()["CDCResponse"][0]["QueryResponse"][0]
    assert created["Id"] in [row["Id"] for row in rows["Customer"]]
    one_second_later = (stamp + dt.timedelta(seconds=1)).isoformat()
    assert api.cdc("Customer", one_second_later).json()["CDCResponse"][0]["QueryResponse"] == [{}]


def test_windows_older_than_30_days_are_refused(api: QboHttp, sandbox: SandboxServer) -> None:
    refused = api.cdc("Customer", _since(sandbox, 31 * 86400))
    assert refused.status_code == 400
    assert "older than fixed days is not supported" in refused.json()["Fault"]["Error"][0]["Detail"]
    recent_enough = _since(sandbox, 29 * 86400)
    assert api.cdc("Customer", recent_enough).status_code == 200
    sandbox.clock.shift(2 * 86400)  # the server clock decides what "30 days ago" is
    later = QboHttp(sandbox)  # the old access token expired during those two days
    assert later.cdc("Customer", recent_enough).status_code == 400
    later.close()


def test_bad_requests_name_the_problem(api: QboHttp, sandbox: SandboxServer) -> None:
    assert fault_codes(api.get("/cdc", changedSince=_since(sandbox, 5))) == ["2020"]
    assert fault_codes(api.get("/cdc", entities="Customer")) == ["2020"]
    assert api.cdc("TaxCode", _since(sandbox, 5)).status_code == 400
    assert api.cdc("Customer", "yesterday").status_code == 400


def test_a_response_holds_at_most_1000_objects_the_oldest_first(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    since = _since(sandbox, 0)
    ids = []
    for number in range(700):
        sandbox.clock.shift(1)
        ids.append(
            (
                "Customer",
                sandbox.put_entity("Customer", {"DisplayName": f"CDC Customer {number}"})["Id"],
            )
        )
        sandbox.clock.shift(1)
        ids.append(
            ("Vendor", sandbox.put_entity("Vendor", {"DisplayName": f"CDC Vendor {number}"})["Id"])
        )
    blocks = api.cdc("Customer,Vendor", since).json()["CDCResponse"][0]["QueryResponse"]
    returned = [("Customer", row["Id"]) for row in blocks[0]["Customer"]]
    returned += [("Vendor", row["Id"]) for row in blocks[1]["Vendor"]]
    assert len(returned) == 1000
    assert sorted(returned) == sorted(ids[:1000])  # the oldest 1000 changes across both
    # The client splits the window at the newest change it got and sees the rest.
    last = max(
        [*blocks[0]["Customer"], *blocks[1]["Vendor"]],
        key=lambda row: dt.datetime.fromisoformat(row["MetaData"]["LastUpdatedTime"]),
    )
    next_since = (
        dt.datetime.fromisoformat(last["MetaData"]["LastUpdatedTime"]) + dt.timedelta(seconds=1)
    ).isoformat()
    rest = api.cdc("Customer,Vendor", next_since).json()["CDCResponse"][0]["QueryResponse"]
    remaining = [("Customer", r["Id"]) for r in rest[0].get("Customer", [])]
    remaining += [("Vendor", r["Id"]) for r in rest[1].get("Vendor", [])]
    assert sorted(remaining) == sorted(ids[1000:])


def test_a_record_changed_twice_is_reported_once_in_its_latest_form(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    since = _since(sandbox, 1)
    customer = api.created("Customer", {"DisplayName": "Twice"})
    sandbox.clock.shift(1)
    api.post(
        "/customer", {"Id": customer["Id"], "SyncToken": "0", "sparse": True, "Notes": "second"}
    )
    rows = api.cdc("Customer", since).json()["CDCResponse"][0]["QueryResponse"][0]["Customer"]
    mine = [row for row in rows if row["Id"] == customer["Id"]]
    assert len(mine) == 1 and mine[0]["SyncToken"] == "1" and mine[0]["Notes"] == "second"
