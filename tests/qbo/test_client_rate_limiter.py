"""The per-realm limiter paces requests and caps how many run at once (on a fake clock)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from qbo_test_support import FakeClock

from acctivate_qbo_plugin.qbo import RateLimiter, RateLimits, shared_rate_limiter

WAIT = 5.0  # seconds a test waits on an Event/Condition before declaring a hang


def run_threads(count: int, target: Callable[[], None]) -> None:
    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
        assert not thread.is_alive(), "a limiter thread hung"


def max_in_any_window(starts: list[float], window: float) -> int:
    starts = sorted(starts)
    return max(sum(1 for other in starts if start <= other < start + window) for start in starts)


def test_burst_of_50_from_8_threads_stays_under_10_per_second(fake_clock: FakeClock) -> None:
    limiter = RateLimiter(
        RateLimits(requests_per_second=10, requests_per_minute=500, max_in_flight=10),
        clock=fake_clock,
        sleep=fake_clock.sleep,
    )
    starts: list[float] = []
    lock = threading.Lock()
    remaining = iter(range(50))

    def worker() -> None:
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            with limiter.slot(), lock:
                starts.append(fake_clock())

    began = fake_clock()
    run_threads(8, worker)
    assert len(starts) == 50
    assert max_in_any_window(starts, 1.0) <= 10
    assert fake_clock() - began >= 4.0  # 50 requests at 10/s need at least 4 s
    assert fake_clock.sleeps, "the limiter paced through the injected sleep"


def test_minute_and_batch_limits(fake_clock: FakeClock) -> None:
    limiter = RateLimiter(
        RateLimits(requests_per_minute=20, requests_per_second=None, batch_per_minute=4),
        clock=fake_clock,
        sleep=fake_clock.sleep,
    )
    batch_starts = []
    for _ in range(10):
        with limiter.slot(batch=True):
            batch_starts.append(fake_clock())
    assert max_in_any_window(batch_starts, 60.0) <= 4
    assert batch_starts[-1] - batch_starts[0] >= 120.0
    plain_starts = []
    for _ in range(45):
        with limiter.slot():
            plain_starts.append(fake_clock())
    assert max_in_any_window(batch_starts + plain_starts, 60.0) <= 20


def test_no_more_than_max_in_flight_run_at_once(fake_clock: FakeClock) -> None:
    limiter = RateLimiter(
        RateLimits(requests_per_second=None, requests_per_minute=None, max_in_flight=3),
        clock=fake_clock,
        sleep=fake_clock.sleep,
    )
    inside = 0
    most_inside = 0
    changed = threading.Condition()
    gate = threading.Event()

    def worker() -> None:
        nonlocal inside, most_inside
        with limiter.slot():
            with changed:
                inside += 1
                most_inside = max(most_inside, inside)
                changed.notify_all()
            assert gate.wait(WAIT)
            with changed:
                inside -= 1

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    with changed:
        # Three run, five queue: only then may the running ones finish.
        assert changed.wait_for(lambda: inside == 3 and limiter.waiting == 5, WAIT)
    gate.set()
    for thread in threads:
        thread.join(WAIT)
    assert most_inside == 3
    assert limiter.in_flight == 0


def test_pause_holds_every_request_back(fake_clock: FakeClock) -> None:
    limiter = RateLimiter(RateLimits(), clock=fake_clock, sleep=fake_clock.sleep)
    limiter.pause(30.0)
    began = fake_clock()
    with limiter.slot():
        assert fake_clock() - began >= 30.0


def test_one_limiter_per_realm_in_the_process() -> None:
    first = shared_rate_limiter("http://127.0.0.1:1", "realm-a")
    assert shared_rate_limiter("http://127.0.0.1:1/", "realm-a") is first
    assert shared_rate_limiter("http://127.0.0.1:1", "realm-b") is not first
    scaled = RateLimits.time_scaled(60.0)
    assert scaled.minute_seconds == 1.0 and scaled.requests_per_second == 10


def test_a_request_delayed_on_the_way_holds_its_place_in_the_second(
    fake_clock: FakeClock,
) -> None:
    """The server counts a request when it arrives, which may be long after we sent it. With
    one request a second, the next must wait a second past the *answer* of the first, not
    past its send: a first request that arrived late would otherwise share the server's
    second with the next, and QBO would answer 429."""
    limits = RateLimits(
        requests_per_second=1,
        requests_per_minute=None,
        batch_per_minute=None,
        max_in_flight=None,
        window_margin=0.0,
    )
    limiter = RateLimiter(limits, clock=fake_clock, sleep=fake_clock.sleep)
    next_started: list[float] = []
    next_waiting = threading.Event()

    def next_request() -> None:
        next_waiting.set()
        with limiter.slot():
            next_started.append(fake_clock())

    with limiter.slot():  # the first: sent now, answered 5 s later
        thread = threading.Thread(target=next_request)
        thread.start()
        assert next_waiting.wait(WAIT)
        fake_clock.advance(5.0)
        assert not next_started, "the next request went while the first was in flight"
        answered = fake_clock()
    thread.join(WAIT)
    assert not thread.is_alive(), "the next request never started"
    assert next_started and next_started[0] >= answered + 1.0
