"""A host company for a benchmark: the fake host (real plugin, real plugin manager), its
SQLite database and config, connected to a sandbox; plus a run timer on the host's hooks.

This is ``acctivate_qbo_plugin.testing.connected_host_factory`` without pytest: the same
``connect_local_sandbox`` config, the same ``FakeHost``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acctivate_qbo_plugin.config import Settings, parse_settings
from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.local_setup import connect_local_sandbox
from acctivate_qbo_plugin.qbo import ClientSettings, RateLimits
from acctivate_qbo_plugin.runtime import RuntimeOptions
from acctivate_qbo_plugin.state.store import StateStore
from hookspecs import SectionResult, SyncResult, SyncRun, hookimpl
from hookspecs.manager import make_plugin_manager

__all__ = [
    "IMMEDIATE",
    "UNLIMITED_CLIENT",
    "LeanHost",
    "NoOpPlugin",
    "RunTimer",
    "TimedRun",
    "first_sync",
    "open_company",
    "read_settings",
    "run_after",
    "time_scaled_client",
]

# Runs start as soon as an event arrives: the benchmarks time runs, not the debounce.
IMMEDIATE = {"debounce_seconds": 0, "max_delay_seconds": 0, "sync_on_start": False}

# QBO's limits switched off on the client too, for a sandbox that enforces none: the figure
# is then about requests and latency, not about waiting for a rate window.
UNLIMITED_CLIENT = ClientSettings(
    limits=RateLimits(
        requests_per_minute=None,
        requests_per_second=None,
        max_in_flight=None,
        batch_per_minute=None,
    )
)


@dataclass
class TimedRun:
    run: SyncRun
    started: float
    finished: float | None = None
    result: SyncResult | None = None
    sections: dict[str, SectionResult] = field(default_factory=dict)
    section_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        assert self.finished is not None, "the run has not finished"
        return self.finished - self.started


class RunTimer:
    """A second plugin on the host's plugin manager: when each run and section started and
    finished (perf_counter, on the runner thread, as the host UI would see it)."""

    def __init__(self) -> None:
        self.runs: list[TimedRun] = []
        self._section_started: dict[str, float] = {}
        self._changed = threading.Condition()

    @hookimpl
    def acctivate_sync_started(self, run: SyncRun) -> None:
        with self._changed:
            self.runs.append(TimedRun(run, time.perf_counter()))

    @hookimpl
    def acctivate_section_started(self, section: str) -> None:
        self._section_started[section] = time.perf_counter()

    @hookimpl
    def acctivate_section_finished(self, run: SyncRun, section: str, result: SectionResult) -> None:
        timed = self.runs[-1]
        timed.sections[section] = result
        timed.section_seconds[section] = time.perf_counter() - self._section_started[section]

    @hookimpl
    def acctivate_sync_finished(self, run: SyncRun, result: SyncResult) -> None:
        with self._changed:
            timed = self.runs[-1]
            timed.finished = time.perf_counter()
            timed.result = result
            self._changed.notify_all()

    def wait_finished(self, count: int, timeout: float) -> TimedRun:
        """Block until ``count`` runs have finished; return the last one."""
        with self._changed:
            done = self._changed.wait_for(
                lambda: sum(1 for r in self.runs if r.finished is not None) >= count, timeout
            )
            if not done:
                raise TimeoutError(f"{count} sync runs did not finish within {timeout:.0f} s")
            return [r for r in self.runs if r.finished is not None][count - 1]


class LeanHost:
    """A host with a plugin manager and nothing else: no hook-call recording."""

    def __init__(self, directory: Path, *, plugin: bool) -> None:
        self.name = directory.name
        self.data_dir = directory
        self.database_url = f"sqlite:///{directory / 'host.db'}"
        if plugin:
            self.pm = make_plugin_manager()  # the QBO plugin, through its entry point
        else:
            self.pm = make_plugin_manager(load_entrypoints=False)
            self.pm.register(NoOpPlugin(), name="no-op")

    @property
    def hook(self) -> Any:
        return self.pm.hook


class NoOpPlugin:
    """The baseline: the same hooks, doing nothing."""

    @hookimpl
    def acctivate_lookup_opened(self, host: Any, lookup: str) -> None:
        pass

    @hookimpl
    def acctivate_list_searched(self, host: Any, list_name: str) -> None:
        pass

    @hookimpl
    def acctivate_inventory_posted(self, host: Any) -> None:
        pass

    @hookimpl
    def acctivate_invoice_posted(self, host: Any, kind: str) -> None:
        pass

    @hookimpl
    def acctivate_customer_created(self, host: Any) -> None:
        pass


def open_company(
    directory: Path,
    sandbox: Any,
    *,
    sync: dict[str, Any] | None = None,
    sections: dict[str, bool] | None = None,
    client_settings: ClientSettings | None = None,
    services_factory: Callable[[Settings, StateStore], Any] | None = None,
    start: bool = True,
) -> tuple[FakeHost, RunTimer]:
    """A fake host in ``directory`` (created) connected to ``sandbox``, with a run timer.

    Its QBO client runs with ``client_settings`` (default: QBO's real limits;
    ``UNLIMITED_CLIENT`` for a sandbox that enforces none).

    The host database is SQLite in the directory; the plugin's tables live there too, as
    with the embedded default. ``sandbox=None`` reopens a company connected before.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if sandbox is not None:
        config = {"sync": {**IMMEDIATE, **(sync or {})}, "sections": sections or {}}
        connect_local_sandbox(directory, sandbox, config)
    host = FakeHost(
        data_dir=directory,
        database_url=f"sqlite:///{directory / 'host.db'}",
        runtime_options=RuntimeOptions(
            services_factory=services_factory, client_settings=client_settings
        ),
    )
    host.sandbox = sandbox
    timer = RunTimer()
    host.pm.register(timer, name="bench-run-timer")
    if start:
        host.start()
    return host, timer


def read_settings(path: Path) -> Settings:
    """The settings a host would read from the config file at ``path``."""
    from acctivate_qbo_plugin.sections import default_catalog

    return parse_settings(path.read_text(encoding="utf-8"), path, default_catalog().names)


def time_scaled_client(time_scale: float) -> ClientSettings:
    """The client limits itself to QBO's limits with minutes of ``60/time_scale`` seconds:
    what the sandbox enforces with the same ``time_scale``."""
    return ClientSettings(limits=RateLimits.time_scaled(time_scale))


def first_sync(host: FakeHost, timer: RunTimer, timeout: float = 120.0) -> TimedRun:
    """ "Sync with QuickBooks" on a new company: accounts, code tables, customers and vendors
    come in from QBO, and every section gets its first sync time."""
    before = len(timer.runs)
    host.click_menu()
    run = timer.wait_finished(before + 1, timeout)
    host.wait_until_idle(timeout)
    if run.result is None or run.result.outcome == "error":
        messages = run.result.messages if run.result else ()
        raise RuntimeError(f"the first sync failed: {messages}")
    return run


def run_after(
    host: FakeHost, timer: RunTimer, fire: Callable[[], None], timeout: float
) -> TimedRun:
    """Fire host events (``fire``) and wait for the run they cause; its wall time is
    measured from the first event to the run's end, as the user waits for it."""
    before = len(timer.runs)
    fired = time.perf_counter()
    fire()
    run = timer.wait_finished(before + 1, timeout)
    host.wait_until_idle(timeout)
    run.started = min(run.started, fired)
    return run
