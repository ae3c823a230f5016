"""What the sections work with: the QBO client, the host's data, the mapping, per-run facts.

Built once per host (when the state database opens) by :func:`default_services`; the QBO
client is created on first use, so a host that is not connected yet still starts, and the
sections report "not connected" with how to fix it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acctivate_qbo_plugin.config import Settings
from acctivate_qbo_plugin.hostdata import HostData, ReferenceHostData
from acctivate_qbo_plugin.run_reads import RunReads
from acctivate_qbo_plugin.state.db import make_engine
from acctivate_qbo_plugin.state.mapping import MappingStore
from acctivate_qbo_plugin.state.store import StateStore

if TYPE_CHECKING:
    from acctivate_qbo_plugin.qbo import CdcResult, ClientSettings, QboClient, QueryResult

__all__ = [
    "NotConnected",
    "SyncServices",
    "default_services",
    "open_configured_client",
    "token_store_path",
]

log = logging.getLogger(__name__)

TOKEN_STORE_FILENAME = "qbo_tokens.json"


class NotConnected(RuntimeError):
    """No QBO company is connected yet; ``fix_hint`` says how to connect."""

    code = "not_connected"
    stops_sync = True  # no section can work without a connection: stop the run at once

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.fix_hint = (
            "Run `acctivate-qbo connect` to connect a QuickBooks Online company, then sync."
        )


def token_store_path(settings: Settings) -> Path:
    configured = settings.qbo.token_store
    path = Path(configured).expanduser() if configured else Path(TOKEN_STORE_FILENAME)
    return path if path.is_absolute() else settings.directory / path


@dataclass
class SyncServices:
    """Shared by every section of every run of one host."""

    settings: Settings
    store: StateStore
    host: HostData
    qbo_factory: Callable[[], QboClient]
    # Called once on close: what the services opened for themselves (a host database engine).
    on_close: Callable[[], None] | None = None
    mapping: MappingStore = field(init=False)
    _qbo: QboClient | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.mapping = MappingStore(self.store)
        self.reads = RunReads(lambda: self.qbo, self.store, ())

    @property
    def qbo(self) -> QboClient:
        with self._lock:
            if self._qbo is None:
                self._qbo = self.qbo_factory()
            return self._qbo

    @property
    def realm_id(self) -> str:
        return self.qbo.realm_id

    def begin_run(self, plan: Sequence[tuple[str, Sequence[str]]] = ()) -> None:
        """A new run: its shared QBO reads start afresh (the closing date may have moved).

        :param plan: (section, QBO entities) of the run, in order.
        """
        self.reads = RunReads(lambda: self.qbo, self.store, plan)

    def shared_changes(self, entities: Sequence[str], since: datetime) -> CdcResult | None:
        """The run's one CDC read, if it covers ``entities`` since ``since`` (see run_reads)."""
        return self.reads.changes(entities, since)

    def shared_query(self, entity: str, since: datetime) -> QueryResult | None:
        """The run's paged query of an entity CDC does not cover, if it starts early enough."""
        return self.reads.query(entity, since)

    def preferences(self) -> tuple[dict[str, Any], datetime | None]:
        """QBO's Preferences (read once per run) and the server time of that read."""
        return self.reads.preferences()

    def book_close_date(self) -> date | None:
        """QBO's closing date: transactions on or before it are refused (6200/6210)."""
        preferences, _ = self.preferences()
        value = (preferences.get("AccountingInfoPrefs") or {}).get("BookCloseDate")
        if not isinstance(value, str) or not value:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            log.warning("QBO sent an unreadable BookCloseDate %r; not checking it", value)
            return None

    def close(self) -> None:
        if self._qbo is not None:
            self._qbo.close()
            self._qbo = None
        if self.on_close is not None:
            on_close, self.on_close = self.on_close, None
            on_close()


def open_configured_client(
    settings: Settings, client_settings: ClientSettings | None = None
) -> QboClient:
    """The client a sync uses: :func:`acctivate_qbo_plugin.connect.open_configured_client`
    with the config file's ``minor_version`` and ``timeout_seconds`` applied over
    ``client_settings`` (retries and rate limits other than QBO's real ones, for benchmarks
    and tests against the sandbox)."""
    from acctivate_qbo_plugin.connect import open_configured_client as open_client
    from acctivate_qbo_plugin.qbo import ClientSettings

    return open_client(
        settings,
        replace(
            client_settings or ClientSettings(),
            minorversion=settings.qbo.minor_version,
            read_timeout=settings.qbo.timeout_seconds,
        ),
    )


def default_services(
    settings: Settings,
    store: StateStore,
    host_database_url: str | None = None,
    *,
    client_settings: ClientSettings | None = None,
) -> SyncServices:
    """Services for a host whose data is in the reference schema, in the plugin's database
    (or ``host_database_url``); ``client_settings`` as for :func:`open_configured_client`."""
    engine = store.engine if host_database_url is None else make_engine(host_database_url)
    host = ReferenceHostData(engine, shares_plugin_database=host_database_url is None)
    host.ensure_schema()
    return SyncServices(
        settings=settings,
        store=store,
        host=host,
        qbo_factory=lambda: open_configured_client(settings, client_settings),
        on_close=None if host_database_url is None else engine.dispose,
    )
