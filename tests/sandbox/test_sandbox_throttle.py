"""Per-realm throttling: sliding windows on the server clock, in-flight cap, XML bodies."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable

import requests
from sandbox_http import QboHttp

from acctivate_qbo_plugin.sandbox import SandboxServer

NS = {"i": "http://schema.intuit.com/finance/v3"}


def _assert_throttle_xml(response: requests.Response, status: int) -> None:
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/xml"
    assert response.headers.get("intuit_tid")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://schema.intuit.com/finance/v3}IntuitResponse"
    assert root.attrib["time"]
    fault = root.find("i:Fault", NS)
    assert fault is not None and fault.attrib["type"] == "SERVICE"
    error = fault.find("i:Error", NS)
    assert error is not None and error.attrib["code"] == "3001"
    message = error.findtext("i:Message", namespaces=NS)
    assert message == f"message=ThrottleExceeded; errorCode=003001; statusCode={status}"
    assert (
        error.findtext("i:Detail", namespaces=NS)
        == "The request limit was reached.  Try again later"
    )


def test_the_per_second_limit_answers_429_in_xml_until_the_window_slides(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(requests_per_second=3, requests_per_minute=None)
    sandbox.clock.freeze()  # only clock.shift moves the window, however slow the machine
    client = QboHttp(sandbox)
    assert [client.get("/customer/1").status_code for _ in range(3)] == [200, 200, 200]
    _assert_throttle_xml(client.get("/customer/1"), 429)
    assert "Retry-After" not in client.get("/customer/1").headers
    sandbox.clock.shift(1.01)
    assert client.get("/customer/1").status_code == 200
    assert sandbox.count_requests("throttled") == 2
    assert sandbox.count_requests("read") == 6  # throttled reads are logged as reads too
    client.close()


def test_the_old_403_form_and_retry_after_can_be_configured(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(
        requests_per_second=1,
        requests_per_minute=None,
        throttle_status=403,
        throttle_retry_after=60,
    )
    sandbox.clock.freeze()
    client = QboHttp(sandbox)
    assert client.get("/customer/1").status_code == 200
    throttled = client.get("/customer/1")
    _assert_throttle_xml(throttled, 403)
    assert throttled.headers["Retry-After"] == "60"
    client.close()


def test_time_scale_compresses_the_minute_window(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    scaled = qbo_sandbox_factory(requests_per_minute=5, requests_per_second=None, time_scale=60)
    normal = qbo_sandbox_factory(requests_per_minute=5, requests_per_second=None, time_scale=1)
    for sandbox in (scaled, normal):
        sandbox.clock.freeze()
        client = QboHttp(sandbox)
        assert [client.get("/customer/1").status_code for _ in range(6)] == [200] * 5 + [429]
        sandbox.clock.shift(1.01)  # a scaled "minute" is one second long
        client.close()
    assert QboHttp(scaled).get("/customer/1").status_code == 200
    assert QboHttp(normal).get("/customer/1").status_code == 429
    normal.clock.shift(59)
    assert QboHttp(normal).get("/customer/1").status_code == 200


def test_default_limits_are_qbos(qbo_sandbox: SandboxServer) -> None:
    qbo_sandbox.clock.freeze()
    settings = qbo_sandbox.settings
    assert (
        settings.requests_per_minute,
        settings.requests_per_second,
        settings.batch_per_minute,
    ) == (500, 10, 40)
    client = QboHttp(qbo_sandbox)
    statuses = [client.get("/customer/1").status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    client.close()


def test_no_more_than_the_per_second_count_may_be_in_flight(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(requests_per_second=2, requests_per_minute=None)
    sandbox.clock.freeze()
    sandbox.faults.latency(30.0, match="/customer/1")
    statuses: list[int] = []

    def slow() -> None:
        statuses.append(QboHttp(sandbox).get("/customer/1").status_code)

    threads = [threading.Thread(target=slow) for _ in range(2)]
    for thread in threads:
        thread.start()
    assert sandbox.wait_in_flight(2, timeout=5)
    sandbox.clock.shift(1.5)  # the per-second window has room again, but two are still in flight
    blocked = QboHttp(sandbox).get("/customer/2")
    assert blocked.status_code == 429
    sandbox.faults.reset()
    for thread in threads:
        thread.join(timeout=10)
    assert statuses == [200, 200]
    sandbox.clock.shift(1.5)
    assert QboHttp(sandbox).get("/customer/2").status_code == 200


def test_the_token_endpoint_is_not_throttled(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(requests_per_second=1, requests_per_minute=None)
    pair = sandbox.issue_tokens()
    for _ in range(3):
        response = requests.post(
            sandbox.token_url,
            data={"grant_type": "refresh_token", "refresh_token": pair["refresh_token"]},
            timeout=10,
        )
        assert response.status_code == 200
        pair = response.json()
