"""The nouns of the contract: what a plugin may ask of its host, and what it reports back.

Everything here is a small frozen dataclass or a Protocol, so the host can draw it on any
thread without locks and a plugin cannot change what the host was told.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

Outcome = Literal["success", "warning", "error"]
"""How a section or a whole sync ended: green check, yellow triangle, red X."""

Indicator = Literal["idle", "syncing", "attention"]
"""The host's sync indicator: nothing running, a sync running, or something needs a look."""

INDICATOR_STATES: tuple[Indicator, ...] = ("idle", "syncing", "attention")
_OUTCOME_RANK: dict[str, int] = {"success": 0, "warning": 1, "error": 2}


def worst_outcome(outcomes: Iterable[Outcome]) -> Outcome:
    """The outcome that needs the most attention (error > warning > success); success if none."""
    worst: Outcome = "success"
    for outcome in outcomes:
        if _OUTCOME_RANK[outcome] > _OUTCOME_RANK[worst]:
            worst = outcome
    return worst


@runtime_checkable
class Host(Protocol):
    """What a plugin may ask of the host application that loaded it.

    The host passes itself as ``host`` to every hook. A plugin reads these attributes and emits
    status callbacks through :attr:`hook`; it never reaches into anything else of the host.
    """

    @property
    def name(self) -> str:
        """A short name for logs, e.g. the company database name."""

    @property
    def data_dir(self) -> Path | None:
        """Where the host keeps per-company data; plugins look for their config file here."""

    @property
    def database_url(self) -> str | None:
        """The host database as an SQLAlchemy URL, or None if the plugin should use its own."""

    @property
    def hook(self) -> Any:
        """The host's ``pluggy`` hook relay (``plugin_manager.hook``), for status callbacks."""


@dataclass(frozen=True)
class MenuItem:
    """A menu entry a plugin adds to the host.

    :param id: stable identifier passed back in ``acctivate_menu_item_selected``.
    :param menu: the host menu it belongs in, e.g. ``"QuickBooks"``.
    :param label: the text shown, e.g. ``"Sync with QuickBooks"``.
    """

    id: str
    menu: str
    label: str


@dataclass(frozen=True)
class SyncRun:
    """One sync run, as the host UI sees it.

    :param id: run number, also the key of the run in the sync log.
    :param trigger: why it runs: ``"menu"``, ``"timer"``, ``"startup"``, ``"cli"`` or the host
        event that asked for it, e.g. ``"invoice_posted"``. ``"menu"`` means the user asked:
        show the sync window.
    :param sections: the sections it will run, in order (requested ones plus prerequisites,
        minus disabled ones).
    :param started_at: when it started (UTC).
    """

    id: int
    trigger: str
    sections: tuple[str, ...]
    started_at: datetime


@dataclass(frozen=True)
class Counts:
    """How many records a section touched, per kind of change."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    warnings: int = 0
    errors: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.created + other.created,
            self.updated + other.updated,
            self.deleted + other.deleted,
            self.unchanged + other.unchanged,
            self.warnings + other.warnings,
            self.errors + other.errors,
        )


@dataclass(frozen=True)
class SectionResult:
    """How one section ended.

    :param section: the section name.
    :param outcome: ``"success"``, ``"warning"`` or ``"error"``.
    :param counts: what it created, updated, deleted, left unchanged, warned and failed on.
    :param messages: the warnings and errors, one sentence each, for the sync window.
    :param sync_time: the section's sync time after the run (unchanged when it held).
    """

    section: str
    outcome: Outcome
    counts: Counts = field(default_factory=Counts)
    messages: tuple[str, ...] = ()
    sync_time: datetime | None = None


@dataclass(frozen=True)
class SyncResult:
    """How a whole run ended: the worst of its sections, and each section's result."""

    outcome: Outcome
    sections: Mapping[str, SectionResult] = field(default_factory=dict)
    counts: Counts = field(default_factory=Counts)
    messages: tuple[str, ...] = ()
    stopped_early: bool = False
