"""Everything the plugin keeps for one host: config, runner, state store, status reporter."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acctivate_qbo_plugin.clock import Clock, SystemClock
from acctivate_qbo_plugin.config import Settings, config_path_for, default_database_url
from acctivate_qbo_plugin.engine import RunRequest, SyncEngine
from acctivate_qbo_plugin.live_config import LiveConfig
from acctivate_qbo_plugin.runner import RunnerTiming, SyncRunner
from acctivate_qbo_plugin.sections.catalog import SectionCatalog
from acctivate_qbo_plugin.services import default_services
from acctivate_qbo_plugin.state.db import redact_url
from acctivate_qbo_plugin.state.store import StateStore
from acctivate_qbo_plugin.status import StatusReporter
from hookspecs import Host, SyncResult, SyncRun

if TYPE_CHECKING:
    from acctivate_qbo_plugin.qbo import ClientSettings

__all__ = ["HostRuntime", "RuntimeOptions"]

log = logging.getLogger(__name__)

ServicesFactory = Callable[[Settings, StateStore], Any]


@dataclass
class RuntimeOptions:
    """How a host's runtime is built; the defaults are what a real host gets.

    Tests (through the fake host) inject a clock, their own sections, or services; a host
    whose schema is not the reference one passes a ``services_factory`` that returns
    :class:`~acctivate_qbo_plugin.services.SyncServices` over its own ``HostData``.
    """

    clock: Clock | None = None
    catalog: SectionCatalog | None = None
    services_factory: ServicesFactory | None = None
    client_settings: ClientSettings | None = None
    """The QBO client's retries and rate limits for the default services (benchmarks run the
    sandbox with QBO's limits time-scaled or off); ignored with a ``services_factory``."""
    config_path: Path | None = None
    watch_config: bool = True


def _timing(settings: Settings) -> RunnerTiming:
    sync = settings.sync
    return RunnerTiming(
        debounce_seconds=sync.debounce_seconds,
        max_delay_seconds=sync.max_delay_seconds,
        interval_seconds=sync.interval_minutes * 60.0,
        sync_on_start=sync.sync_on_start,
    )


class HostRuntime:
    """The plugin's state for one host, from ``host_started`` to ``host_closing``."""

    def __init__(self, host: Host, options: RuntimeOptions | None = None) -> None:
        from acctivate_qbo_plugin.sections import default_catalog

        self.host = host
        self.options = options or RuntimeOptions()
        self.clock: Clock = self.options.clock or SystemClock()
        self.catalog = self.options.catalog or default_catalog()
        self.reporter = StatusReporter(host)
        self.config: LiveConfig | None = None
        self.last_result: SyncResult | None = None
        self._timing = RunnerTiming()  # replaced as soon as the config file is read
        self._store: StateStore | None = None
        self._store_url: str | None = None
        self._services: Any = None
        self._lock = threading.Lock()
        self.runner = SyncRunner(
            self._execute,
            clock=self.clock,
            timing=lambda: self._timing,
            prepare=self._prepare,
            name=f"acctivate-qbo-sync[{getattr(host, 'name', 'host')}]",
        )

    # -- host side -----------------------------------------------------------------------

    def start(self) -> None:
        self.runner.start()

    def close(self) -> bool:
        """Stop the runner (bounded wait), the config watcher and the database pool."""
        timeout = self.settings.sync.shutdown_timeout_seconds
        stopped = self.runner.stop(timeout)
        if not stopped:
            log.warning(
                "acctivate-qbo: the sync did not stop within %s s; the host closes anyway and "
                "the unfinished section is reviewed again at the next start",
                timeout,
            )
        if self.config is not None:
            self.config.stop_watching()
        if stopped and self._services is not None:
            self._services.close()
        if stopped and self._store is not None:
            self._store.close()
        return stopped

    @property
    def settings(self) -> Settings:
        return self.config.settings if self.config is not None else Settings()

    @property
    def store(self) -> StateStore | None:
        return self._store

    def run_once(self, request: RunRequest, stop: threading.Event | None = None) -> SyncResult:
        """Run one sync on the calling thread, without the runner (the CLI's ``sync``)."""
        if self.config is None:
            self._prepare()
        self._execute(request, stop or threading.Event())
        assert self.last_result is not None
        return self.last_result

    # -- runner thread -------------------------------------------------------------------

    def _prepare(self) -> None:
        path = self.options.config_path or config_path_for(self.host.data_dir)
        config = LiveConfig(path, self.catalog.names)
        config.add_listener(self._config_changed)
        self.config = config
        config.load()
        if self.options.watch_config:
            config.start_watching()
        self.reporter.announce()

    def _config_changed(self, config: LiveConfig) -> None:
        self._timing = _timing(config.settings)
        self.reporter.set_attention("config", config.error is not None)

    def _execute(self, request: RunRequest, stop: threading.Event) -> None:
        if self.config is not None:
            self.config.refresh()  # in case the watcher missed a change
        settings = self.settings
        try:
            store = self._open_store(settings)
        except Exception as exc:
            self._report_unrecorded_run(request, settings, exc)
            return
        engine = SyncEngine(
            catalog=self.catalog,
            store=store,
            reporter=self.reporter,
            clock=self.clock,
            services=self._services,
        )
        self.last_result = engine.run(request, settings, stop)

    def _open_store(self, settings: Settings) -> StateStore:
        url = default_database_url(settings, self.host.database_url)
        with self._lock:
            if self._store is None or url != self._store_url:
                if self._store is not None:
                    self._store.close()
                    self._store = None
                self._store = StateStore.open(url)
                self._store_url = url
                if self._services is not None:
                    self._services.close()
                if self.options.services_factory is not None:
                    self._services = self.options.services_factory(settings, self._store)
                else:
                    # The host's records live in the host's database; the plugin's tables
                    # may have been put elsewhere ([database] url).
                    host_url = self.host.database_url
                    self._services = default_services(
                        settings,
                        self._store,
                        None if host_url is None or host_url == url else host_url,
                        client_settings=self.options.client_settings,
                    )
            return self._store

    def _report_unrecorded_run(
        self, request: RunRequest, settings: Settings, exc: Exception
    ) -> None:
        """The database cannot be reached: tell the host UI, since the sync log cannot."""
        url = redact_url(default_database_url(settings, self.host.database_url))
        message = (
            f"cannot open the sync database {url}: {str(exc).rstrip('.')}. Check [database] url in "
            f"{settings.path or 'the config file'} and that the database server is running; "
            "nothing was synced and nothing was lost."
        )
        log.error("acctivate-qbo: %s", message)
        run = SyncRun(id=0, trigger=request.trigger, sections=(), started_at=self.clock.now())
        result = SyncResult(outcome="error", messages=(message,))
        self.reporter.sync_started(run)
        self.reporter.sync_finished(run, result)
        self.last_result = result
