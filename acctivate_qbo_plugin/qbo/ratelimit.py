"""A client-side rate limiter, shared per realm by every thread and client of one process.

QBO allows per realm 500 requests a minute, 10 a second (treated also as 10 in flight) and 40
batch requests a minute. Staying under those limits ourselves avoids 429 storms; when the
server throttles anyway, :meth:`RateLimiter.pause` holds every thread of the realm back.

Windows slide (a log of start times), matching how the server counts. The clock and sleep
function are injectable so tests and time-scaled benchmarks do not wait on the wall clock.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["RateLimiter", "RateLimits", "forget_shared_rate_limiters", "shared_rate_limiter"]


@dataclass(frozen=True)
class RateLimits:
    """Per-realm limits; ``None`` disables one. Window lengths are in (possibly scaled) seconds.

    ``window_margin`` widens each window a little: the server counts arrivals, we count
    departures, and a request delayed on the way must not make the server see one too many.
    """

    requests_per_minute: int | None = 500
    requests_per_second: int | None = 10
    max_in_flight: int | None = 10
    batch_per_minute: int | None = 40
    minute_seconds: float = 60.0
    second_seconds: float = 1.0
    window_margin: float = 0.05

    @classmethod
    def time_scaled(cls, time_scale: float, **overrides: int | float | None) -> RateLimits:
        """Limits whose minute lasts ``60 / time_scale`` seconds (as the sandbox's time_scale)."""
        if time_scale <= 0:
            raise ValueError(f"time_scale must be positive, got {time_scale}")
        values: dict[str, int | float | None] = {
            "minute_seconds": 60.0 / time_scale,
            "second_seconds": 1.0 / time_scale,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        for name in ("requests_per_minute", "requests_per_second", "max_in_flight"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"RateLimits.{name} must be at least 1 or None, got {value}")
        if self.batch_per_minute is not None and self.batch_per_minute < 1:
            raise ValueError("RateLimits.batch_per_minute must be >= 1 or None")
        if self.minute_seconds <= 0 or self.second_seconds <= 0:
            raise ValueError("RateLimits window lengths must be positive")


class _Window:
    """A sliding log of start times: at most ``limit`` within ``length`` seconds."""

    def __init__(self, limit: int | None, length: float) -> None:
        self.limit = limit
        self.length = length
        self.starts: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        if self.limit is None:
            return 0.0
        while self.starts and self.starts[0] <= now - self.length:
            self.starts.popleft()
        if len(self.starts) < self.limit:
            return 0.0
        return self.starts[len(self.starts) - self.limit] + self.length - now

    def record(self, now: float) -> None:
        if self.limit is not None:
            self.starts.append(now)


class RateLimiter:
    """Blocks callers until a request may start; use :meth:`slot` around each request."""

    def __init__(
        self,
        limits: RateLimits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits = limits or RateLimits()
        self._clock = clock
        self._sleep = sleep
        stretch = 1.0 + self.limits.window_margin
        minute = self.limits.minute_seconds * stretch
        second = self.limits.second_seconds * stretch
        self._all_minute = _Window(self.limits.requests_per_minute, minute)
        self._all_second = _Window(self.limits.requests_per_second, second)
        self._batch_minute = _Window(self.limits.batch_per_minute, minute)
        self._in_flight = 0
        self._waiting = 0
        self._resume_at = float("-inf")
        self._condition = threading.Condition()

    @property
    def in_flight(self) -> int:
        with self._condition:
            return self._in_flight

    @property
    def waiting(self) -> int:
        """Callers blocked because ``max_in_flight`` requests are running."""
        with self._condition:
            return self._waiting

    def pause(self, seconds: float) -> None:
        """Hold every request of this realm back for ``seconds`` (after a server throttle)."""
        with self._condition:
            self._resume_at = max(self._resume_at, self._clock() + seconds)

    def batch_wait(self) -> float:
        """Seconds until a batch request could start as far as the batch budget goes (0 now)."""
        with self._condition:
            return max(0.0, self._batch_minute.wait_needed(self._clock()))

    def _acquire(self, batch: bool) -> None:
        limit = self.limits.max_in_flight
        while True:
            with self._condition:
                if limit is not None and self._in_flight >= limit:
                    # Released slots notify us; no clock involved in waiting for a peer.
                    self._waiting += 1
                    try:
                        self._condition.wait()
                    finally:
                        self._waiting -= 1
                    continue
                now = self._clock()
                windows = [self._all_minute, self._all_second]
                if batch:
                    windows.append(self._batch_minute)
                wait = max([self._resume_at - now, *(w.wait_needed(now) for w in windows)])
                if wait <= 0:
                    for window in windows:
                        window.record(now)
                    self._in_flight += 1
                    return
            self._sleep(wait)

    def _release(self) -> None:
        with self._condition:
            self._in_flight -= 1
            self._condition.notify()

    @contextmanager
    def slot(self, *, batch: bool = False) -> Iterator[None]:
        """Wait for a free slot, hold it while the request runs, release it afterwards."""
        self._acquire(batch)
        try:
            yield
        finally:
            self._release()


_registry_lock = threading.Lock()
# Kept for the life of the process (one small limiter per realm): a client built again after a
# reconnect or a config change must inherit what the last second and minute already spent,
# or QBO would see a burst and answer 429 (and a 429 costs a 60 s wait).
# The clock and sleep functions are part of the key: a limiter built on a test's fake clock
# must never be handed to a later client on the real one.
_registry: dict[tuple[str, str, object, object], RateLimiter] = {}


def shared_rate_limiter(
    base_url: str,
    realm_id: str,
    limits: RateLimits | None = None,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> RateLimiter:
    """The one limiter of ``realm_id`` at ``base_url`` in this process, created on first use.

    Clients of the same realm share it for the life of the process. Asking with different limits
    replaces it (a reconfiguration), which the clients created afterwards then share.
    """
    key = (base_url.rstrip("/"), realm_id, clock, sleep)
    wanted = limits or RateLimits()
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None or limiter.limits != wanted:
            limiter = RateLimiter(wanted, clock=clock, sleep=sleep)
            _registry[key] = limiter
        return limiter


def forget_shared_rate_limiters(base_url: str) -> None:
    """Drop the limiters of a server that is gone for good (a test's sandbox, whose port the
    next test may get): what it spent and paused must not carry over to a new server."""
    prefix = base_url.rstrip("/")
    with _registry_lock:
        for key in [k for k in _registry if k[0] == prefix]:
            del _registry[key]
