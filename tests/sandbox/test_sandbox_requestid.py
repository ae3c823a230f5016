"""``requestid``: a repeated write returns the original answer and changes nothing."""

from __future__ import annotations

import threading
import uuid

import pytest
import requests
from sandbox_http import QboHttp, fault_codes

from acctivate_qbo_plugin.sandbox import SandboxServer


def _names(sandbox: SandboxServer, prefix: str) -> list[str]:
    return [
        c["DisplayName"]
        for c in sandbox.entities("Customer")
        if c["DisplayName"].startswith(prefix)
    ]


def test_a_repeated_create_returns_the_original_response(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    request_id = str(uuid.uuid4())
    first = api.create("Customer", {"DisplayName": "Once Only"}, requestid=request_id)
    sandbox.clock.shift(10)
    second = api.create("Customer", {"DisplayName": "Once Only"}, requestid=request_id)
    assert second.status_code == first.status_code == 200
    assert second.content == first.content  # byte for byte, original `time` included
    assert _names(sandbox, "Once Only") == ["Once Only"]
    assert sandbox.request_log[-1].outcome == "replayed"


def test_a_repeated_failure_repeats_the_failure(api: QboHttp, sandbox: SandboxServer) -> None:
    request_id = "dup-name-1"
    first = api.create("Customer", {"DisplayName": "Bill's Windsurf Shop"}, requestid=request_id)
    assert fault_codes(first) == ["6240"]
    # Even once the name is free again, the repeat answers what the original got.
    renamed = {**sandbox.entity("Customer", "2"), "DisplayName": "Renamed Windsurf Shop"}
    sandbox.put_entity("Customer", renamed)
    second = api.create("Customer", {"DisplayName": "Bill's Windsurf Shop"}, requestid=request_id)
    assert second.status_code == 400 and second.content == first.content


def test_the_id_is_remembered_for_updates_deletes_and_batches(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    customer = api.created("Customer", {"DisplayName": "Replay Update"})
    update = {"Id": customer["Id"], "SyncToken": "0", "sparse": True, "Notes": "once"}
    first = api.post("/customer", update, requestid="upd-1")
    again = api.post("/customer", update, requestid="upd-1")
    assert (
        again.content == first.content
        and sandbox.entity("Customer", customer["Id"])["SyncToken"] == "1"
    )
    items = [{"bId": "a", "operation": "create", "Customer": {"DisplayName": "Batch Replay"}}]
    batch_first = api.batch(items, requestid="batch-1")
    batch_again = api.batch(items, requestid="batch-1")
    assert batch_again.content == batch_first.content
    assert _names(sandbox, "Batch Replay") == ["Batch Replay"]


def test_a_lost_acknowledgement_is_recovered_by_retrying_with_the_same_id(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    sandbox.faults.drop_after_commit(1)
    request_id = str(uuid.uuid4())
    body = {"DisplayName": "Lost Ack Customer"}
    with pytest.raises(requests.ConnectionError):
        api.create("Customer", body, requestid=request_id)
    stored = [c for c in sandbox.entities("Customer") if c["DisplayName"] == "Lost Ack Customer"]
    assert len(stored) == 1  # the write happened although no answer came back
    retry = QboHttp(sandbox).create("Customer", body, requestid=request_id)
    assert retry.status_code == 200
    assert retry.json()["Customer"]["Id"] == stored[0]["Id"]
    assert _names(sandbox, "Lost Ack") == ["Lost Ack Customer"]
    assert [r.outcome for r in sandbox.request_log[-2:]] == ["dropped", "replayed"]


def test_without_a_request_id_a_retry_writes_twice(api: QboHttp, sandbox: SandboxServer) -> None:
    sandbox.faults.drop_after_commit(1)
    with pytest.raises(requests.ConnectionError):
        api.create("Invoice", _invoice())
    assert QboHttp(sandbox).create("Invoice", _invoice()).status_code == 200
    assert len(sandbox.entities("Invoice")) == 2


def _invoice() -> dict[str, object]:
    line = {
        "Amount": 9.0,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
    }
    return {"CustomerRef": {"value": "1"}, "Line": [line]}


def test_concurrent_repeats_write_once(sandbox: SandboxServer) -> None:
    results: list[int] = []
    lock = threading.Lock()

    def send() -> None:
        client = QboHttp(sandbox)
        response = client.create("Customer", {"DisplayName": "Racing Repeat"}, requestid="race-1")
        with lock:
            results.append(response.status_code)
        client.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert results == [200] * 8
    assert _names(sandbox, "Racing Repeat") == ["Racing Repeat"]


def test_request_ids_have_length_limits(api: QboHttp) -> None:
    assert api.create("Customer", {"DisplayName": "Long Id"}, requestid="r" * 50).status_code == 200
    too_long = api.create("Customer", {"DisplayName": "Longer Id"}, requestid="r" * 51)
    assert too_long.status_code == 400 and fault_codes(too_long) == ["2050"]
    items = [{"bId": "b1", "operation": "create", "Customer": {"DisplayName": "B"}}]
    assert api.batch(items, requestid="q" * 37).status_code == 400
    long_bid = [{"bId": "b" * 11, "operation": "create", "Customer": {"DisplayName": "C"}}]
    assert api.batch(long_bid, requestid="q" * 36).status_code == 400
    assert api.batch(long_bid).status_code == 200  # the bId limit applies only with a requestid
