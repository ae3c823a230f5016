"""QBO's per-realm throttles: sliding windows on the server clock, plus requests in flight.

500 requests/minute, 10 requests/second (also read as "at most 10 in flight") and 40 batch
requests/minute; a batch counts once toward the per-minute and per-second limits as well.
``time_scale`` shrinks every window by the same factor so a test can exercise a "minute".
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field

from acctivate_qbo_plugin.sandbox.clock import SandboxClock
from acctivate_qbo_plugin.sandbox.settings import SandboxSettings


@dataclass
class _RealmWindows:
    minute: deque[float] = field(default_factory=deque)
    second: deque[float] = field(default_factory=deque)
    batch_minute: deque[float] = field(default_factory=deque)
    in_flight: int = 0


@dataclass(frozen=True)
class Admission:
    """A request let through; release it when its response has been sent."""

    realm: str


@dataclass(frozen=True)
class Refusal:
    """A request over a limit: which one (for the request log: a throttle must be explainable)."""

    limit: str  # "per minute", "per second", "in flight" or "batch per minute"


class RateLimiter:
    def __init__(self, settings: SandboxSettings, clock: SandboxClock) -> None:
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._realms: dict[str, _RealmWindows] = {}
        self._minute = 60.0 / settings.time_scale
        self._second = 1.0 / settings.time_scale

    def admit(self, realm: str, *, is_batch: bool) -> Admission | Refusal:
        """Let the request in (and count it), or say which limit it is over."""
        settings = self._settings
        now = self._clock.time()
        with self._lock:
            windows = self._realms.setdefault(realm, _RealmWindows())
            _prune(windows.minute, now - self._minute)
            _prune(windows.second, now - self._second)
            _prune(windows.batch_minute, now - self._minute)
            if _full(windows.minute, settings.requests_per_minute):
                return Refusal("per minute")
            if _full(windows.second, settings.requests_per_second):
                return Refusal("per second")
            if (
                settings.requests_per_second is not None
                and windows.in_flight >= settings.requests_per_second
            ):
                return Refusal("in flight")
            if is_batch and _full(windows.batch_minute, settings.batch_per_minute):
                return Refusal("batch per minute")
            windows.minute.append(now)
            windows.second.append(now)
            if is_batch:
                windows.batch_minute.append(now)
            windows.in_flight += 1
            self._changed.notify_all()
            return Admission(realm)

    def release(self, admission: Admission) -> None:
        with self._lock:
            windows = self._realms.get(admission.realm)
            if windows is not None and windows.in_flight > 0:
                windows.in_flight -= 1
                self._changed.notify_all()

    def in_flight(self, realm: str) -> int:
        with self._lock:
            windows = self._realms.get(realm)
            return 0 if windows is None else windows.in_flight

    def wait_in_flight(self, realm: str, count: int, timeout: float) -> bool:
        """Block until ``count`` requests of ``realm`` are in flight (False on timeout)."""
        with self._changed:
            return self._changed.wait_for(
                lambda: self._realms.get(realm, _RealmWindows()).in_flight >= count, timeout
            )


def _prune(window: deque[float], horizon: float) -> None:
    # A request leaves the window once it is a full window old; a clock moved back keeps it.
    while window and window[0] <= horizon:
        window.popleft()


def _full(window: deque[float], limit: int | None) -> bool:
    return limit is not None and len(window) >= limit
