"""Lost acknowledgements, transient faults, timeouts, throttling: converge, never double."""

from __future__ import annotations

from acctivate_qbo_plugin.fake_host import FakeHost

from .conftest import assert_exactly_once, seed, sync_until_clean

NO_LIMITS = {"requests_per_second": None, "requests_per_minute": None, "batch_per_minute": None}


def test_a_lost_acknowledgement_is_replayed_not_doubled(connected_host_factory) -> None:
    host: FakeHost = connected_host_factory()
    host.sync_now()
    seed(host)
    # QBO commits the first three batches, then the connection drops before each answer.
    host.sandbox.faults.drop_after_commit(3, match="/batch")
    result = host.sync_now()
    assert result.outcome in ("success", "warning"), result.messages
    assert host.sandbox.count_requests(outcome="dropped") == 3
    # The retry carried the same requestid: QBO answered with what it had done, not again.
    assert host.sandbox.count_requests(outcome="replayed") >= 1
    assert_exactly_once(host)


def test_ten_percent_transient_faults_converge_with_bounded_retries(connected_host_factory) -> None:
    host: FakeHost = connected_host_factory(sandbox_settings=NO_LIMITS)
    host.sync_now()
    seed(host, invoices=150, customers=30)
    host.sandbox.faults.fail_rate(0.10, statuses=(500, 502, 503, 504), seed=7)
    result = sync_until_clean(host)
    host.sandbox.faults.reset()
    assert_exactly_once(host)
    failed = host.sandbox.count_requests(outcome="injected")
    total = host.sandbox.count_requests()
    assert failed > 0
    assert total < 120, f"{total} requests for ~200 records: retries are not bounded"
    assert result.outcome in ("success", "warning")


def test_timeouts_and_resets_are_retried_and_converge(connected_host_factory) -> None:
    host: FakeHost = connected_host_factory(
        sandbox_settings=NO_LIMITS, qbo={"timeout_seconds": 0.5}
    )
    host.sync_now()
    seed(host, invoices=40)
    host.sandbox.faults.timeout_next(2, 2.0)  # QBO does not answer in time, twice
    host.sandbox.faults.fail_next(2, status=502, kind="empty")
    sync_until_clean(host)
    assert_exactly_once(host)


def test_a_section_that_exhausts_its_retries_ends_red_and_holds(connected_host_factory) -> None:
    host: FakeHost = connected_host_factory(sandbox_settings=NO_LIMITS)
    host.sync_now()
    seed(host, invoices=10)
    store = host.runtime.store
    held = store.sync_time("customers").sync_time
    host.sandbox.faults.fail_next(1000, status=503, match="/batch")
    result = host.sync_now(180)
    host.sandbox.faults.reset()
    customers = result.sections["customers"]
    assert customers.outcome == "error"
    assert store.sync_time("customers").sync_time == held
    entries = store.log_entries(section="customers", level="error", limit=None)
    assert len(entries) == 15  # one per customer the unavailable service could not take
    assert all(e.message.startswith("could not send customer") for e in entries)
    assert all("503" in e.message or "unavailable" in e.message.lower() for e in entries)
    assert all(e.fix_hint for e in entries)
    # Once QBO is back, everything goes, once.
    sync_until_clean(host)
    assert_exactly_once(host)


def test_throttling_is_waited_out_without_a_retry_storm(connected_host_factory) -> None:
    host: FakeHost = connected_host_factory(sandbox_settings=NO_LIMITS)
    host.sync_now()
    seed(host, invoices=30)
    host.sandbox.faults.throttle_next(1, status=429, retry_after=1)
    host.sandbox.faults.throttle_next(1, status=403, retry_after=1)  # the older form
    result = host.sync_now()
    assert result.outcome in ("success", "warning"), result.messages
    assert host.sandbox.count_requests(status=429) == 1
    assert host.sandbox.count_requests(status=403) == 1
    assert_exactly_once(host)


def test_the_clients_own_limiter_keeps_a_large_push_unthrottled(connected_host_factory) -> None:
    host: FakeHost = connected_host_factory()  # the sandbox enforces QBO's real limits
    host.sync_now()
    seed(host, invoices=300, customers=60)
    result = host.sync_now(300)
    assert result.outcome in ("success", "warning")
    assert host.sandbox.count_requests(status=429) == 0
    assert host.sandbox.count_requests(status=403) == 0
    assert_exactly_once(host)
