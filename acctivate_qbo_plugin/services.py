"""What the sections work with: the QBO client, the host's data, the mapping, per-run facts.

Built once per host (when the state database opens) by :func:`default_services`; the QBO
client is created on first use, so a host that is not connected yet still starts, and the
sections report "not connected" with how to fix it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acctivate_qbo_plugin.config import Settings
from acctivate_qbo_plugin.hostdata import HostData, ReferenceHostData
from acctivate_qbo_plugin.state.db import make_engine
from acctivate_qbo_plugin.state.mapping import MappingStore
from acctivate_qbo_plugin.state.store import StateStore

if TYPE_CHECKING:
    from acctivate_qbo_plugin.qbo import CdcResult, QboClient

__all__ = ["NotConnected", "SyncServices", "default_services", "token_store_path"]

log = logging.getLogger(__name__)

TOKEN_STORE_FILENAME = "qbo_tokens.json"
NOT_IN_CDC = frozenset({"TaxCode", "TaxRate", "TaxAgency", "JournalCode", "TimeActivity"})


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
    mapping: MappingStore = field(init=False)
    _qbo: QboClient | None = field(default=None, init=False)
    _run_facts: dict[str, Any] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self.mapping = MappingStore(self.store)

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
        """Forget per-run facts (the closing date may have moved since the last run).

        :param plan: (section, QBO entities) of the run, in order: their changes are read in
            one shared CDC call the first time a section asks (see :meth:`shared_changes`).
        """
        self._run_facts.clear()
        self._run_facts["plan"] = tuple(plan)

    def shared_changes(self, entities: Sequence[str], since: datetime) -> CdcResult | None:
        """The run's one CDC read, if it covers ``entities`` since ``since``; else None.

        Every section of a run would otherwise make its own CDC call. The shared call covers
        every CDC entity of the run's sections, from the oldest of their QBO sync times (when
        all are within CDC's reach); a section re-reviewing a little more than it needs costs
        nothing, because unchanged records are recognised by their SyncToken.
        """
        if "cdc" not in self._run_facts:
            self._run_facts["cdc"] = self._read_shared_changes()
        shared = self._run_facts["cdc"]
        if shared is None:
            return None
        start, result, covered = shared
        if since < start or not set(entities) <= covered:
            return None
        return result

    def _read_shared_changes(self) -> tuple[datetime, CdcResult, frozenset[str]] | None:
        from acctivate_qbo_plugin.qbo import CdcWindowTooOld

        plan = self._run_facts.get("plan", ())
        times = self.store.sync_times()
        entities: list[str] = []
        starts: list[datetime] = []
        for section, section_entities in plan:
            since = times[section].qbo_sync_time if section in times else None
            cdc_entities = [e for e in section_entities if e not in NOT_IN_CDC]
            if since is None or not cdc_entities:
                continue
            entities.extend(e for e in cdc_entities if e not in entities)
            starts.append(since)
        if not entities:
            return None
        start = min(starts)
        try:
            result = self.qbo.cdc(entities, start)
        except CdcWindowTooOld:
            return None  # some section is far behind: each reads its own window
        return start, result, frozenset(entities)

    def preferences(self) -> tuple[dict[str, Any], datetime | None]:
        """QBO's Preferences (read once per run) and the server time of that read."""
        if "preferences" not in self._run_facts:
            result = self.qbo.preferences()
            self._run_facts["preferences"] = (result.entity, result.time)
        return self._run_facts["preferences"]

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


def _qbo_factory(settings: Settings) -> Callable[[], QboClient]:
    def build() -> QboClient:
        from acctivate_qbo_plugin.qbo import (
            INTUIT_TOKEN_URL,
            PRODUCTION_BASE_URL,
            SANDBOX_BASE_URL,
            ClientSettings,
            open_client,
        )

        qbo = settings.qbo
        where = settings.path or "the config file"
        if not qbo.realm_id:
            raise NotConnected(f"no QuickBooks company is connected ([qbo] realm_id in {where})")
        store = token_store_path(settings)
        if not store.exists():
            raise NotConnected(f"no QuickBooks tokens at {store}")
        if qbo.environment == "local" and not qbo.base_url:
            raise NotConnected(f'[qbo] environment = "local" needs base_url in {where}')
        base_url = qbo.base_url or (
            PRODUCTION_BASE_URL if qbo.environment == "production" else SANDBOX_BASE_URL
        )
        return open_client(
            store,
            qbo.realm_id,
            base_url=base_url,
            token_url=qbo.token_url or INTUIT_TOKEN_URL,
            client_id=qbo.client_id,
            settings=ClientSettings(
                minorversion=qbo.minor_version, read_timeout=qbo.timeout_seconds
            ),
        )

    return build


def default_services(
    settings: Settings, store: StateStore, host_database_url: str | None = None
) -> SyncServices:
    """Services for a host whose data is in the reference schema, in the plugin's database
    (or ``host_database_url``)."""
    engine = store.engine if host_database_url is None else make_engine(host_database_url)
    host = ReferenceHostData(engine)
    host.ensure_schema()
    return SyncServices(
        settings=settings, store=store, host=host, qbo_factory=_qbo_factory(settings)
    )
