"""The one sync thread per host: debounce, single flight, the timer, and a clean stop.

Host threads call :meth:`SyncRunner.request`, which only adds to a pending set under a lock
(microseconds; it wakes the thread only when the wake-up time moves earlier). The runner
thread waits until the host has been quiet for ``debounce_seconds`` but no longer than
``max_delay_seconds`` after the first pending request (at once for the menu item), swaps the
pending batch out under the lock, and runs it OUTSIDE the lock, so requests arriving during a
run collect into exactly one follow-up run. Never two runs at once: there is one thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from acctivate_qbo_plugin.clock import Clock
from acctivate_qbo_plugin.engine import RunRequest

__all__ = ["RunnerTiming", "SyncRunner"]

log = logging.getLogger(__name__)

MAX_TRIGGERS = 16  # a run remembers this many distinct reasons; more add nothing for the user


@dataclass(frozen=True)
class RunnerTiming:
    debounce_seconds: float = 2.0
    max_delay_seconds: float = 10.0
    interval_seconds: float = 15 * 60.0
    sync_on_start: bool = True


Execute = Callable[[RunRequest, threading.Event], None]


class SyncRunner:
    """Collects sync requests and runs them one at a time on its own thread."""

    def __init__(
        self,
        execute: Execute,
        *,
        clock: Clock,
        timing: Callable[[], RunnerTiming],
        prepare: Callable[[], None] | None = None,
        name: str = "acctivate-qbo-sync",
    ) -> None:
        """
        :param execute: runs one request; called on the runner thread only.
        :param timing: read before every wait, so config changes apply at once.
        :param prepare: called first on the runner thread (loading config and the like),
            so the host thread that starts the runner does no I/O.
        """
        self._execute = execute
        self._clock = clock
        self._timing = timing
        self._prepare = prepare
        self._cond = clock.condition()
        self._stop = threading.Event()
        self._stopping = False  # the same as _stop, as a plain read for the hot path
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        # pending batch (guarded by _cond)
        self._sections: set[str] = set()
        self._every_section = False
        self._triggers: list[str] = []
        self._first_at: float | None = None
        self._last_at: float | None = None
        self._immediate = False
        # state (guarded by _cond)
        self._running = False
        self._starting = True  # until the thread has read its config and queued its start-up run
        self._wake_at: float | None = None
        self._next_timer_at: float | None = None
        self.runs_started = 0
        self.runs_finished = 0
        self.requests_received = 0

    # -- host threads --------------------------------------------------------------------

    def request(
        self,
        sections: Iterable[str] = (),
        trigger: str = "event",
        *,
        every_section: bool = False,
        immediate: bool = False,
    ) -> None:
        """Ask for a sync of ``sections`` (or every enabled one). Never blocks on a run.

        This is the host's hot path (every hook lands here): a set union and a few
        assignments under the lock, nothing else.
        """
        with self._cond:
            if self._stopping:
                return
            now = self._clock.monotonic()
            self.requests_received += 1
            self._sections.update(sections)
            if every_section:
                self._every_section = True
            if trigger not in self._triggers and len(self._triggers) < MAX_TRIGGERS:
                self._triggers.append(trigger)
            first = self._first_at is None
            if first:
                self._first_at = now
            self._last_at = now
            if immediate:
                self._immediate = True
            # Wake the thread only if it must now act earlier than it planned: on the first
            # request of a batch, or the menu's. A later request only moves the quiet period
            # further out, which the thread sees when it wakes.
            if (first or immediate) and not self._running:
                due = self._due_at(self._timing())
                if due is not None and (self._wake_at is None or due < self._wake_at):
                    self._clock.notify(self._cond)

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        attach = getattr(self._clock, "attach", None)
        if attach is not None:
            # The fake clock counts this thread as busy from now until its first wait.
            attach()
        self._thread.start()

    def stop(self, timeout: float) -> bool:
        """Stop: a run in progress finishes its current section. True if the thread ended."""
        with self._cond:
            self._stopping = True
            self._stop.set()
            self._clock.notify(self._cond)
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._running

    def wait_idle(self, timeout: float) -> bool:
        """Block (real time) until nothing is pending or running; False on timeout."""
        with self._cond:
            return self._cond.wait_for(
                lambda: not self._starting and not self._running and self._first_at is None,
                timeout,
            )

    def wait_runs_finished(self, count: int, timeout: float) -> bool:
        """Block (real time) until ``count`` runs have finished in all; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self.runs_finished >= count, timeout)

    # -- the runner thread ---------------------------------------------------------------

    def _loop(self) -> None:
        detach = getattr(self._clock, "detach", None)
        try:
            if self._prepare is not None:
                try:
                    self._prepare()
                except Exception:
                    log.exception("acctivate-qbo: preparing the sync runner failed")
            timing = self._timing()
            with self._cond:
                start = self._clock.monotonic()
                self._next_timer_at = start + timing.interval_seconds
            if timing.sync_on_start:
                self.request(trigger="startup", every_section=True)
            with self._cond:
                self._starting = False
                self._clock.notify(self._cond)
            while True:
                batch = self._next_batch()
                if batch is None:
                    return
                try:
                    self._execute(batch, self._stop)
                except Exception:
                    log.exception("acctivate-qbo: a sync run failed")
                finally:
                    with self._cond:
                        self._running = False
                        self.runs_finished += 1
                        if batch.every_section:
                            # A full run just happened: the next timer run is a full interval on.
                            self._next_timer_at = (
                                self._clock.monotonic() + self._timing().interval_seconds
                            )
                        self._clock.notify(self._cond)
        finally:
            if detach is not None:
                detach()

    def _next_batch(self) -> RunRequest | None:
        """Wait until a batch is due (or stop); swap it out under the lock."""
        with self._cond:
            while True:
                if self._stop.is_set():
                    return None
                timing = self._timing()
                now = self._clock.monotonic()
                if self._next_timer_at is not None and now >= self._next_timer_at:
                    self._next_timer_at = now + timing.interval_seconds
                    self._add_timer_locked(now)
                due = self._due_at(timing)
                if due is not None and now >= due:
                    return self._swap_locked()
                deadlines = [t for t in (due, self._next_timer_at) if t is not None]
                self._wake_at = min(deadlines) if deadlines else None
                timeout = None if self._wake_at is None else max(0.0, self._wake_at - now)
                self._clock.wait(self._cond, timeout)
                self._wake_at = None

    def _add_timer_locked(self, now: float) -> None:
        # The timer is not a burst of host activity: nothing to wait out, run now.
        self._every_section = True
        self._immediate = True
        if "timer" not in self._triggers:
            self._triggers.append("timer")
        if self._first_at is None:
            self._first_at = now
        self._last_at = now

    def _due_at(self, timing: RunnerTiming) -> float | None:
        if self._first_at is None or self._last_at is None:
            return None
        if self._immediate:
            return self._first_at
        return min(
            self._last_at + timing.debounce_seconds, self._first_at + timing.max_delay_seconds
        )

    def _swap_locked(self) -> RunRequest:
        batch = RunRequest(
            sections=frozenset(self._sections),
            every_section=self._every_section,
            triggers=tuple(self._triggers),
        )
        self._sections = set()
        self._every_section = False
        self._triggers = []
        self._first_at = self._last_at = None
        self._immediate = False
        self._running = True
        self.runs_started += 1
        return batch
