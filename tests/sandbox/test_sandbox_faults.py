"""Fault injection: each kind does what a client's retry and parsing code must survive."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter

import pytest
import requests
from sandbox_http import QboHttp

from acctivate_qbo_plugin.sandbox import SandboxServer


def _customers_named(sandbox: SandboxServer, name: str) -> int:
    return sum(1 for c in sandbox.entities("Customer") if c["DisplayName"] == name)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_fail_next_json_answers_a_system_fault_without_processing(
    api: QboHttp, sandbox: SandboxServer, status: int
) -> None:
    sandbox.faults.fail_next(2, status=status)
    for _ in range(2):
        failed = api.create("Customer", {"DisplayName": "Never Stored"})
        assert failed.status_code == status
        assert failed.headers["Content-Type"].startswith("application/json")
        assert failed.json()["Fault"]["Error"][0]["code"] == "10000"
        assert failed.json()["Fault"]["type"] == "SystemFault"
    assert _customers_named(sandbox, "Never Stored") == 0
    assert api.create("Customer", {"DisplayName": "Stored Third"}).status_code == 200
    assert sandbox.count_requests(outcome="injected") == 2


def test_fail_next_html_and_empty_bodies(api: QboHttp, sandbox: SandboxServer) -> None:
    sandbox.faults.fail_next(1, status=502, kind="html")
    sandbox.faults.fail_next(1, status=503, kind="empty")
    html = api.get("/customer/1")
    assert html.status_code == 502 and html.headers["Content-Type"].startswith("text/html")
    assert html.text.lstrip().lower().startswith("<!doctype html>")
    empty = api.get("/customer/1")
    assert empty.status_code == 503 and empty.content == b""
    assert api.get("/customer/1").status_code == 200


def test_timeout_next_holds_the_answer_past_the_clients_timeout(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    sandbox.faults.timeout_next(1, 30.0)
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        api.session.get(f"{api.base}/customer/1", timeout=0.2)
    assert time.monotonic() - started < 5
    assert sandbox.request_log == []  # still held
    sandbox.faults.release_held()
    assert sandbox.wait_for_requests(1, timeout=5)  # the server answers into the void
    assert sandbox.request_log[0].faults == ("timeout",)
    assert api.get("/customer/1").status_code == 200


def test_a_held_write_is_still_performed(api: QboHttp, sandbox: SandboxServer) -> None:
    sandbox.faults.timeout_next(1, 30.0)
    with pytest.raises(requests.Timeout):
        api.session.post(f"{api.base}/customer", json={"DisplayName": "Held Write"}, timeout=0.1)
    assert _customers_named(sandbox, "Held Write") == 0
    sandbox.faults.release_held()
    assert sandbox.wait_for_requests(1, timeout=5)
    assert _customers_named(sandbox, "Held Write") == 1


def test_drop_after_commit_performs_the_write_and_closes_the_socket(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    sandbox.faults.drop_after_commit(1)
    assert api.get("/customer/1").status_code == 200  # reads are not dropped
    with pytest.raises(requests.ConnectionError):
        api.create("Customer", {"DisplayName": "Committed Then Dropped"})
    assert _customers_named(sandbox, "Committed Then Dropped") == 1
    assert sandbox.request_log[-1].outcome == "dropped"
    assert QboHttp(sandbox).create("Customer", {"DisplayName": "Next One"}).status_code == 200


def test_malformed_truncated_json(api: QboHttp, sandbox: SandboxServer) -> None:
    sandbox.faults.malformed_next(1, "truncated")
    response = api.get("/customer/1")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(
        "application/json"
    )
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_malformed_html_missing_keys_and_wrong_types(api: QboHttp, sandbox: SandboxServer) -> None:
    sandbox.faults.malformed_next(1, "html")
    sandbox.faults.malformed_next(1, "missing_keys")
    sandbox.faults.malformed_next(1, "wrong_types")
    html = api.get("/customer/1")
    assert html.status_code == 200 and html.headers["Content-Type"].startswith("text/html")
    missing = api.get("/customer/1").json()
    assert "Customer" not in missing and set(missing) <= {"time"}
    wrong = api.query("SELECT * FROM Customer").json()
    assert isinstance(wrong["QueryResponse"], list) and isinstance(wrong["time"], int)
    assert "Customer" in api.get("/customer/1").json()


def test_a_garbled_write_answer_still_stored_the_write(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    sandbox.faults.malformed_next(1, "truncated")
    api.create("Customer", {"DisplayName": "Stored Behind Garbage"})
    assert _customers_named(sandbox, "Stored Behind Garbage") == 1


@pytest.mark.parametrize("status", [429, 403])
def test_throttle_next_sends_the_xml_throttle_fault(
    api: QboHttp, sandbox: SandboxServer, status: int
) -> None:
    sandbox.faults.throttle_next(1, status=status, retry_after=7)
    throttled = api.get("/customer/1")
    assert throttled.status_code == status
    assert throttled.headers["Content-Type"] == "application/xml"
    assert f"statusCode={status}" in throttled.text and 'code="3001"' in throttled.text
    assert throttled.headers["Retry-After"] == "7"
    assert sandbox.count_requests("throttled") == 1
    assert api.get("/customer/1").status_code == 200


def test_latency_delays_requests_without_blocking_others(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    sandbox.faults.latency(1.5, match="/customer/5")
    slow_done = threading.Event()

    def slow() -> None:
        QboHttp(sandbox).get("/customer/5")
        slow_done.set()

    thread = threading.Thread(target=slow)
    thread.start()
    assert sandbox.wait_in_flight(1, timeout=5)
    started = time.monotonic()
    assert api.create("Customer", {"DisplayName": "Not Waiting"}).status_code == 200
    assert time.monotonic() - started < 0.5
    assert not slow_done.is_set()
    sandbox.faults.reset()  # releases the delayed request at once
    assert slow_done.wait(5)
    thread.join(timeout=5)


def test_latency_applies_to_every_request_until_reset(api: QboHttp, sandbox: SandboxServer) -> None:
    sandbox.faults.latency(0.2)
    started = time.monotonic()
    api.get("/customer/1")
    api.get("/customer/2")
    assert time.monotonic() - started >= 0.4
    sandbox.faults.reset()
    started = time.monotonic()
    api.get("/customer/1")
    assert time.monotonic() - started < 0.2


def test_fail_rate_is_random_but_repeatable_with_a_seed(sandbox: SandboxServer) -> None:
    def run() -> list[int]:
        sandbox.faults.fail_rate(0.5, statuses=(500, 503), seed=7)
        client = QboHttp(sandbox)
        codes = [client.get("/customer/1").status_code for _ in range(40)]
        client.close()
        return codes

    first, second = run(), run()
    assert first == second
    counts = Counter(first)
    assert set(counts) == {200, 500, 503}
    assert 8 <= counts[500] + counts[503] <= 32
    sandbox.faults.fail_rate(0)
    assert QboHttp(sandbox).get("/customer/1").status_code == 200


def test_faults_spare_the_token_endpoint_unless_aimed_at_it(sandbox: SandboxServer) -> None:
    sandbox.faults.fail_next(1, status=503)
    pair = sandbox.issue_tokens()
    form = {"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]}
    assert requests.post(sandbox.token_url, data=form, timeout=10).status_code == 200
    sandbox.faults.reset()
    sandbox.faults.fail_next(1, status=503, match="/oauth2/")
    assert requests.post(sandbox.token_url, data=form, timeout=10).status_code == 503


def test_fault_arguments_are_checked(sandbox: SandboxServer) -> None:
    faults = sandbox.faults
    with pytest.raises(ValueError, match="positive integer"):
        faults.fail_next(0)
    with pytest.raises(ValueError, match="json"):
        faults.fail_next(1, kind="xml")
    with pytest.raises(ValueError, match=r"400\.\.599"):
        faults.fail_next(1, status=200)
    with pytest.raises(ValueError, match="truncated"):
        faults.malformed_next(1, "bogus")
    with pytest.raises(ValueError, match="429 or 403"):
        faults.throttle_next(1, status=500)
    with pytest.raises(ValueError, match="between 0 and 1"):
        faults.fail_rate(1.5)
    with pytest.raises(ValueError, match="seconds"):
        faults.latency(-1)


def test_a_request_refused_for_its_token_does_not_spend_a_queued_failure(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    sandbox.faults.fail_next(1, status=500)
    anonymous = requests.get(f"{api.base}/customer/1", timeout=10)
    assert anonymous.status_code == 401
    assert api.get("/customer/1").status_code == 500
    assert api.get("/customer/1").status_code == 200
