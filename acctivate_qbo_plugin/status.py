"""The one place status reaches the host UI, so nothing is sent twice and nothing breaks us.

Every callback goes through :class:`StatusReporter`: it calls the host's status hooks, drops
repeats (the same indicator state, the same progress numbers), thins progress to whole
percent steps, and catches whatever the host UI raises (logged; the sync goes on).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from hookspecs import Host, Indicator, SectionResult, SyncResult, SyncRun

__all__ = ["StatusReporter"]

log = logging.getLogger(__name__)


class StatusReporter:
    """Sends status callbacks for one host, de-duplicated."""

    def __init__(self, host: Host) -> None:
        self._host = host
        self._lock = threading.Lock()
        # Held from deciding the indicator to telling the host, so two threads (the runner and
        # the config watcher) cannot deliver their states out of order.
        self._indicator_lock = threading.RLock()
        self._indicator: Indicator | None = None
        self._syncing = False
        self._attention: set[str] = set()  # why the triangle shows: "last_run", "config"
        self._progress: tuple[str, int, int | None] | None = None

    # -- run lifecycle -------------------------------------------------------------------

    def sync_started(self, run: SyncRun) -> None:
        with self._lock:
            self._syncing = True
        self._update_indicator()
        self._call("acctivate_sync_started", run=run)

    def section_started(self, run: SyncRun, section: str) -> None:
        self._call("acctivate_section_started", run=run, section=section)
        self.section_progress(run, section, 0, None)

    def section_progress(self, run: SyncRun, section: str, done: int, total: int | None) -> None:
        with self._lock:
            key = (section, self._step(done, total), total)
            if key == self._progress:
                return
            self._progress = key
        self._call("acctivate_section_progress", run=run, section=section, done=done, total=total)

    def section_finished(self, run: SyncRun, section: str, result: SectionResult) -> None:
        self._call("acctivate_section_finished", run=run, section=section, result=result)

    def sync_finished(self, run: SyncRun, result: SyncResult) -> None:
        with self._lock:
            self._syncing = False
            self._progress = None
            if result.outcome == "success":
                self._attention.discard("last_run")
            else:
                self._attention.add("last_run")
        self._call("acctivate_sync_finished", run=run, result=result)
        self._update_indicator()

    # -- attention from outside a run ----------------------------------------------------

    def set_attention(self, reason: str, needed: bool) -> None:
        """Raise or clear one reason for the triangle (e.g. ``"config"`` for a bad file)."""
        with self._lock:
            if needed:
                self._attention.add(reason)
            else:
                self._attention.discard(reason)
        self._update_indicator()

    @property
    def indicator(self) -> Indicator | None:
        return self._indicator

    # -- plumbing ------------------------------------------------------------------------

    @staticmethod
    def _step(done: int, total: int | None) -> int:
        """Progress in whole percent, so a 50,000-record push sends ~100 updates, not 50,000."""
        if total is None or total <= 0:
            return done
        return done * 100 // total

    def _update_indicator(self) -> None:
        with self._indicator_lock:
            with self._lock:
                state: Indicator
                if self._syncing:
                    state = "syncing"
                elif self._attention:
                    state = "attention"
                else:
                    state = "idle"
                if state == self._indicator:
                    return
                self._indicator = state
            self._call("acctivate_sync_indicator_changed", indicator=state)

    def announce(self) -> None:
        """Send the current indicator state once (at start), so the host knows where it is."""
        self._update_indicator()

    def _call(self, hook_name: str, **kwargs: Any) -> None:
        try:
            getattr(self._host.hook, hook_name)(host=self._host, **kwargs)
        except Exception:  # the host UI's bug must not stop the sync
            log.exception("the host's %s hook raised; the sync goes on", hook_name)
