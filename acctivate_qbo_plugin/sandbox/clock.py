"""The one server clock: real time plus a test-controlled offset.

Everything time-dependent in the sandbox reads this clock (response ``time``, MetaData stamps,
the CDC 30-day check, token expiry and the rate-limit windows), so a test can move the whole
server through a DST change or past a token's expiry with :meth:`SandboxClock.shift` instead of
sleeping.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable


class SandboxClock:
    """Wall-clock time shifted by an offset that tests may move in either direction."""

    def __init__(self, wall: Callable[[], float] = time.time) -> None:
        self._wall = wall
        self._offset = 0.0
        self._frozen_at: float | None = None
        self._lock = threading.Lock()

    def time(self) -> float:
        """Seconds since the epoch, as the server sees them."""
        with self._lock:
            offset, frozen_at = self._offset, self._frozen_at
        return (self._wall() if frozen_at is None else frozen_at) + offset

    def freeze(self) -> None:
        """Stop the clock where it is; only :meth:`shift` moves it until :meth:`unfreeze`.

        Tests of time windows (rate limits, expiry) freeze it so that a slow machine cannot
        let real time slide a window while the test is still counting."""
        with self._lock:
            if self._frozen_at is None:
                self._frozen_at = self._wall()

    def unfreeze(self) -> None:
        """Let real time run again, continuing from the frozen instant (no jump)."""
        with self._lock:
            if self._frozen_at is not None:
                self._offset += self._frozen_at - self._wall()
                self._frozen_at = None

    def now(self) -> dt.datetime:
        """The server's current instant (aware, UTC)."""
        return dt.datetime.fromtimestamp(self.time(), tz=dt.UTC)

    def shift(self, seconds: float) -> None:
        """Move the server clock forward (or back, with a negative number)."""
        if not isinstance(seconds, int | float):
            raise TypeError(f"clock.shift() takes a number of seconds, got {seconds!r}")
        with self._lock:
            self._offset += float(seconds)

    def travel_to(self, instant: dt.datetime) -> None:
        """Set the server clock so that now() is ``instant`` (which must be timezone-aware)."""
        if instant.tzinfo is None:
            raise ValueError("clock.travel_to() needs an aware datetime, e.g. with tzinfo=UTC")
        with self._lock:
            base = self._wall() if self._frozen_at is None else self._frozen_at
            self._offset = instant.timestamp() - base

    @property
    def offset(self) -> float:
        """Seconds the server clock is ahead of real time (negative when behind)."""
        with self._lock:
            return self._offset

    @property
    def frozen(self) -> bool:
        with self._lock:
            return self._frozen_at is not None

    def __repr__(self) -> str:
        state = ", frozen" if self.frozen else ""
        return f"SandboxClock(offset={self.offset:+.3f}s{state})"
