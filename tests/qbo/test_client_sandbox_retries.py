"""Throttles are waited out, transient failures retried within bounds, writes never doubled."""

from __future__ import annotations

from typing import Any

import pytest
from qbo_test_support import settle

from acctivate_qbo_plugin.qbo import (
    MalformedResponse,
    RetryPolicy,
    Throttled,
    TransientError,
    request_id,
    select,
)


def customer_named(sandbox: Any, name: str) -> list[dict[str, Any]]:
    return [c for c in sandbox.entities("Customer") if c["DisplayName"] == name]


@pytest.mark.parametrize("status", [429, 403])
def test_throttle_waits_retry_after(
    qbo_sandbox_factory: Any, make_client: Any, fake_clock: Any, status: int
) -> None:
    sandbox = qbo_sandbox_factory()
    client = make_client(sandbox)
    sandbox.faults.throttle_next(1, status=status, retry_after=7)
    page = client.query(select("Customer").page(1, 3))
    assert len(page.rows) == 3
    settle(client)
    assert 7.0 in fake_clock.sleeps  # the server's Retry-After, observed through our sleep
    assert sum(1 for r in sandbox.request_log if r.status == status) == 1


def test_throttle_without_retry_after_waits_the_default(
    qbo_sandbox: Any, make_client: Any, fake_clock: Any
) -> None:
    client = make_client(qbo_sandbox, retry=RetryPolicy(throttle_wait=42.0))
    qbo_sandbox.faults.throttle_next(2)
    client.company_info()
    assert fake_clock.sleeps.count(42.0) == 2


def test_throttles_beyond_the_bound_raise(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox, retry=RetryPolicy(throttle_wait=1.0, max_throttle_waits=2))
    qbo_sandbox.faults.throttle_next(5)
    with pytest.raises(Throttled) as caught:
        client.company_info()
    assert caught.value.code == "3001"


@pytest.mark.parametrize("kind", ["json", "html", "empty"])
def test_transient_5xx_is_retried_with_backoff(
    qbo_sandbox: Any, make_client: Any, fake_clock: Any, kind: str
) -> None:
    policy = RetryPolicy(max_attempts=4, backoff_base=0.5, backoff_max=8.0)
    client = make_client(qbo_sandbox, retry=policy)
    qbo_sandbox.faults.fail_next(2, status=503, kind=kind)
    assert client.company_info().entity["CompanyName"]
    assert len(fake_clock.sleeps) == 2
    assert 0 <= fake_clock.sleeps[0] <= 0.5 and 0 <= fake_clock.sleeps[1] <= 1.0  # full jitter


def test_retries_stop_at_the_attempt_bound(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox, retry=RetryPolicy(max_attempts=3))
    # Exactly three failures: a fourth attempt would succeed, and the test would see no error.
    qbo_sandbox.faults.fail_next(3, status=502)
    before = qbo_sandbox.count_requests("read")
    with pytest.raises(TransientError) as caught:
        client.read("Customer", qbo_sandbox.entities("Customer")[0]["Id"])
    settle(client)
    assert caught.value.status == 502
    assert qbo_sandbox.count_requests("read") - before == 3


def test_retries_stop_at_the_time_bound(
    qbo_sandbox_factory: Any, make_client: Any, fake_clock: Any
) -> None:
    # The waits are on the fake clock, so the retries reach the server in a real-time burst:
    # the server's own rate limits are off, or it would answer 429 instead of 500.
    sandbox = qbo_sandbox_factory(requests_per_second=None, requests_per_minute=None)
    policy = RetryPolicy(max_attempts=50, max_elapsed=10.0, backoff_base=4.0, backoff_max=4.0)
    client = make_client(sandbox, retry=policy)
    sandbox.faults.fail_next(50, status=500)
    with pytest.raises(TransientError):
        client.company_info()
    assert sum(fake_clock.sleeps) <= 10.0
    assert len(fake_clock.sleeps) < 49


def test_write_without_requestid_is_never_retried(
    qbo_sandbox: Any, make_client: Any, fake_clock: Any
) -> None:
    client = make_client(qbo_sandbox)
    qbo_sandbox.faults.fail_next(1, status=503)
    before = qbo_sandbox.count_requests("create")
    with pytest.raises(TransientError):
        client.create("Customer", {"DisplayName": "No Id Co"}, request_id=None)
    settle(client)
    assert qbo_sandbox.count_requests("create") - before == 1
    assert fake_clock.sleeps == []


def test_lost_acknowledgement_then_retry_creates_once(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    rid = request_id(client.realm_id, "customers", "LOST-ACK-1", "create")
    qbo_sandbox.faults.drop_after_commit(1)
    created = client.create("Customer", {"DisplayName": "Lost Ack Co"}, request_id=rid)
    settle(client)
    matches = customer_named(qbo_sandbox, "Lost Ack Co")
    assert [c["Id"] for c in matches] == [created.id]
    assert qbo_sandbox.count_requests("create") >= 2  # it really was sent twice
    # A later re-run of the same logical write replays as well.
    again = client.create("Customer", {"DisplayName": "Lost Ack Co"}, request_id=rid)
    assert again.id == created.id and len(customer_named(qbo_sandbox, "Lost Ack Co")) == 1


def test_lost_acknowledgement_without_requestid_reports_unknown_outcome(
    qbo_sandbox: Any, make_client: Any
) -> None:
    client = make_client(qbo_sandbox)
    qbo_sandbox.faults.drop_after_commit(1)
    with pytest.raises(TransientError) as caught:
        client.create("Customer", {"DisplayName": "Unknown Outcome Co"}, request_id=None)
    assert caught.value.outcome_unknown is True
    assert len(customer_named(qbo_sandbox, "Unknown Outcome Co")) == 1  # written once, no retry


def test_read_timeout_is_retried(qbo_sandbox: Any, make_client: Any, fake_clock: Any) -> None:
    client = make_client(qbo_sandbox, read_timeout=0.3)
    qbo_sandbox.faults.timeout_next(1, 1.0)
    assert client.company_info().entity["CompanyName"]
    assert len(fake_clock.sleeps) == 1


@pytest.mark.parametrize("kind", ["truncated", "html", "missing_keys", "wrong_types"])
def test_malformed_bodies_raise_malformed_response(
    qbo_sandbox: Any, make_client: Any, kind: str
) -> None:
    client = make_client(qbo_sandbox)
    some_id = qbo_sandbox.entities("Customer")[0]["Id"]
    qbo_sandbox.faults.malformed_next(1, kind)
    with pytest.raises(MalformedResponse) as caught:
        client.read("Customer", some_id)
    assert "HTTP 200" in str(caught.value) or "HTTP" in str(caught.value)
    assert client.read("Customer", some_id).id == some_id  # the next call is fine
