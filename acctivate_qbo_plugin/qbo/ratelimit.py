"""A client-side rate limiter, shared per realm by every thread and client of one process.

QBO allows per realm 500 requests a minute, 10 a second (treated also as 10 in flight) and 40
batch requests a minute. Staying under those limits ourselves avoids 429 storms; when the
server throttles anyway, :meth:`RateLimiter.pause` holds every thread of the realm back.

Windows slide, matching how the server counts. The server counts a request when it arrives,
which is some time after we send it; we cannot see that moment, only that it lies between our
send and our answer. So the one-second window holds each request from its send until its
answer plus a second: however long a request is delayed on the way (a slow network, a garbage
collection pause in the host), the server can never see an eleventh in its second. The minute
windows count from the send with a margin of a few seconds, which a delay does not outlast;
holding them to the answer would cost a whole minute's worth of batch time.

The clock and sleep function are injectable so tests and time-scaled benchmarks do not wait on
the wall clock.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

__all__ = ["RateLimiter", "RateLimits", "forget_shared_rate_limiters", "shared_rate_limiter"]


@dataclass(frozen=True)
class RateLimits:
    """Per-realm limits; ``None`` disables one. Window lengths are in (possibly scaled) seconds.

    ``window_margin`` widens each window a little: the server counts arrivals, we count
    sends, and a request delayed on the way must not make the server see one too many in its
    minute. (The second is held to each answer, which covers any delay; there the margin only
    absorbs the two clocks' drift.)

    ``max_in_flight`` stays below QBO's 10: the server counts a request as running until it
    has finished with it, which is a moment after we have its answer and start the next.
    """

    requests_per_minute: int | None = 500
    requests_per_second: int | None = 10
    max_in_flight: int | None = 8
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
        if self.window_margin < 0:
            raise ValueError("RateLimits.window_margin cannot be negative")

    def widened(self, length: float) -> float:
        """A window of ``length`` seconds as this client counts it (see ``window_margin``)."""
        return length * (1 + self.window_margin)


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


class _Counting(Protocol):
    """What the limiter asks of a window (:class:`_Window`, :class:`_HeldWindow`)."""

    def wait_needed(self, now: float) -> float | None: ...

    def record(self, now: float) -> _Held | None: ...


class _Held:
    """One request in a :class:`_HeldWindow`: ``answered`` is unset while it is in flight."""

    __slots__ = ("answered",)

    def __init__(self) -> None:
        self.answered: float | None = None


class _HeldWindow:
    """At most ``limit`` requests sent or answered within ``length`` seconds: each one counts
    from its send until ``length`` after its answer (see the module docstring for why)."""

    def __init__(self, limit: int | None, length: float) -> None:
        self.limit = limit
        self.length = length
        self.held: list[_Held] = []

    def wait_needed(self, now: float) -> float | None:
        """Seconds to wait, 0 to go now, or ``None`` when only an answer can free a place."""
        if self.limit is None:
            return 0.0
        self.held = [h for h in self.held if h.answered is None or h.answered + self.length > now]
        excess = len(self.held) - self.limit + 1
        if excess <= 0:
            return 0.0
        answered = sorted(h.answered for h in self.held if h.answered is not None)
        if len(answered) < excess:
            return None
        return answered[excess - 1] + self.length - now

    def record(self, now: float) -> _Held | None:
        if self.limit is None:
            return None
        held = _Held()
        self.held.append(held)
        return held


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
        minute = self.limits.widened(self.limits.minute_seconds)
        second = self.limits.widened(self.limits.second_seconds)
        self._all_minute = _Window(self.limits.requests_per_minute, minute)
        self._all_second = _HeldWindow(self.limits.requests_per_second, second)
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

    def _acquire(self, batch: bool) -> list[_Held]:
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
                windows: list[_Counting] = [self._all_minute, self._all_second]
                if batch:
                    windows.append(self._batch_minute)
                waits = [w.wait_needed(now) for w in windows]
                if None in waits:
                    # Every place in the second is held by a request still running.
                    self._condition.wait()
                    continue
                wait = max([self._resume_at - now, *(w for w in waits if w is not None)])
                if wait <= 0:
                    held = [h for h in (window.record(now) for window in windows) if h]
                    self._in_flight += 1
                    return held
            self._sleep(wait)

    def _release(self, held: list[_Held]) -> None:
        with self._condition:
            now = self._clock()
            for one in held:
                one.answered = now
            self._in_flight -= 1
            self._condition.notify_all()

    @contextmanager
    def slot(self, *, batch: bool = False) -> Iterator[None]:
        """Wait for a free slot, hold it while the request runs, release it afterwards."""
        held = self._acquire(batch)
        try:
            yield
        finally:
            self._release(held)


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
