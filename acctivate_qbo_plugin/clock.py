"""Time as the runner sees it, injectable so tests never sleep on the wall clock.

The runner waits only on a condition variable it got from its clock, and wakes it only
through :meth:`Clock.notify`. The system clock hands out plain ``threading.Condition``
objects and waits for real. :class:`FakeClock` moves only when a test says so, and can tell the
test when every thread that waits on it is asleep again, i.e. has finished reacting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FakeClock", "SystemClock"]


class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes back; only differences matter."""

    def now(self) -> datetime:
        """The current UTC time, for run records (never used as a sync time)."""

    def condition(self) -> threading.Condition:
        """A new condition variable whose timed waits this clock measures."""

    def wait(self, condition: threading.Condition, timeout: float | None) -> None:
        """Wait on ``condition`` (held by the caller) until notified or ``timeout`` passes."""

    def notify(self, condition: threading.Condition) -> None:
        """Wake every waiter of ``condition`` (held by the caller)."""


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def condition(self) -> threading.Condition:
        return threading.Condition()

    def wait(self, condition: threading.Condition, timeout: float | None) -> None:
        condition.wait(timeout)

    def notify(self, condition: threading.Condition) -> None:
        condition.notify_all()


@dataclass
class _Sleeper:
    condition: threading.Condition
    deadline: float | None
    woken: bool = False


class FakeClock:
    """A clock that moves only when a test calls :meth:`advance`.

    Threads that use it call :meth:`attach` before they start. A thread is *busy* from then
    until it waits, and again from the moment something wakes it (``advance`` past its
    deadline, or ``notify``) until it waits again. :meth:`settle` blocks, on a real condition
    with a real timeout, until no attached thread is busy.
    """

    _EPOCH = 1_000.0

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Condition()
        self._monotonic = self._EPOCH
        self._start = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._sleepers: list[_Sleeper] = []
        self._busy = 0

    # -- reading -------------------------------------------------------------------------

    def monotonic(self) -> float:
        with self._lock:
            return self._monotonic

    def now(self) -> datetime:
        with self._lock:
            return self._start + timedelta(seconds=self._monotonic - self._EPOCH)

    # -- waiting -------------------------------------------------------------------------

    def condition(self) -> threading.Condition:
        return threading.Condition()

    def attach(self) -> None:
        """Count the calling thread as busy until its first wait."""
        with self._lock:
            self._busy += 1

    def detach(self) -> None:
        """The calling thread will not wait on this clock again."""
        with self._lock:
            self._busy -= 1
            self._lock.notify_all()

    def wait(self, condition: threading.Condition, timeout: float | None) -> None:
        with self._lock:
            deadline = None if timeout is None else self._monotonic + timeout
            if deadline is not None and timeout <= 0:
                return  # already due: stay busy, do not sleep
            sleeper = _Sleeper(condition, deadline)
            self._sleepers.append(sleeper)
            self._busy -= 1
            self._lock.notify_all()
        # The caller holds ``condition``; advance()/notify() must take it to wake us, so a
        # wake-up cannot slip in between the bookkeeping above and this wait.
        while True:
            condition.wait()
            with self._lock:
                if sleeper.woken:
                    return

    def notify(self, condition: threading.Condition) -> None:
        with self._lock:
            self._wake(lambda s: s.condition is condition)
        condition.notify_all()

    def _wake(self, which: Callable[[_Sleeper], bool]) -> None:  # self._lock is held
        for sleeper in [s for s in self._sleepers if which(s)]:
            sleeper.woken = True
            self._busy += 1
            self._sleepers.remove(sleeper)

    # -- driving (test thread) -----------------------------------------------------------

    def advance(self, seconds: float) -> None:
        """Move time forward and wake every waiter whose deadline has come."""
        with self._lock:
            self._monotonic += seconds
            now = self._monotonic
            due = [s for s in self._sleepers if s.deadline is not None and s.deadline <= now]
            due_ids = {id(s) for s in due}
            self._wake(lambda s: id(s) in due_ids)
        for condition in {id(s.condition): s.condition for s in due}.values():
            with condition:
                condition.notify_all()

    def settle(self, timeout: float = 10.0) -> None:
        """Block until every attached thread is asleep (or detached); TimeoutError otherwise."""
        with self._lock:
            if not self._lock.wait_for(lambda: self._busy <= 0, timeout):
                raise TimeoutError(f"a thread was still busy after {timeout} s of real time")
