"""How the sections reach the host's data: one small interface, mapped per host schema.

:class:`ReferenceHostData` maps the reference schema (``acctivate_qbo_plugin.reference_host``).
A host with another schema provides an object with the same methods; the sections only ever
see the records of :mod:`acctivate_qbo_plugin.hostdata.records`.

Kinds: ``account``, ``terms``, ``payment_method``, ``tax_code``, ``customer``, ``vendor``,
``product``, ``invoice``, ``po_invoice``, ``inventory``, ``journal``, ``payment``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection

from acctivate_qbo_plugin.hostdata.records import (
    HostCustomer,
    HostInventoryTxn,
    HostInvoice,
    HostInvoiceLine,
    HostJournal,
    HostJournalLine,
    HostPOInvoice,
    HostPOInvoiceLine,
    HostProduct,
    HostRecord,
    SettledCondition,
)
from acctivate_qbo_plugin.hostdata.reference import ReferenceHostData

__all__ = [
    "HostCustomer",
    "HostData",
    "HostInventoryTxn",
    "HostInvoice",
    "HostInvoiceLine",
    "HostJournal",
    "HostJournalLine",
    "HostPOInvoice",
    "HostPOInvoiceLine",
    "HostProduct",
    "HostRecord",
    "ReferenceHostData",
    "SettledCondition",
]


class HostData(Protocol):
    shares_plugin_database: bool
    """True when the plugin's tables are in the host's database: the mapping then commits in
    the host's transactions, and a review may leave settled rows out in SQL."""

    def ensure_schema(self) -> None:
        """Make sure the host tables exist (a real host's always do)."""

    def now(self) -> datetime:
        """The host database's clock (UTC), held back to its oldest open transaction."""

    def changed(
        self, kind: str, since: datetime | None, until: datetime | None = None, *, chunk: int = 500
    ) -> Iterator[list[HostRecord]]:
        """Records changed in [since, until), oldest first, in chunks."""

    def changed_stamps(
        self,
        kind: str,
        since: datetime | None,
        *,
        chunk: int = 500,
        unless: SettledCondition | None = None,
    ) -> Iterator[list[tuple[str, datetime]]]:
        """(key, changed_at) of records changed since ``since``, oldest first, in pages;
        with ``unless`` (only when ``shares_plugin_database``), without the rows it is true for."""

    def get(self, kind: str, keys: Iterable[str]) -> dict[str, HostRecord]:
        """Records by key (missing keys are left out)."""

    def describe(self, kind: str, key: str) -> str:
        """How a bookkeeper names the record, for messages ("vendor 'Norton Lumber'")."""

    def count_changed(self, kind: str, since: datetime | None) -> int:
        """How many records changed since then (cheap: an index count)."""

    def find_keys(self, kind: str, names: Iterable[str]) -> dict[str, str]:
        """Existing records by name or number."""

    def upsert_many(
        self,
        kind: str,
        items: Iterable[tuple[str | None, Mapping[str, Any]]],
        *,
        on_written: Callable[[list[str], Connection | None], None] | None = None,
    ) -> list[str]:
        """Create (key None) or update records from QBO's data, in one transaction; their
        keys in the same order. ``on_written(keys, connection)``: when the plugin's tables
        share the host database, before the commit with the transaction's connection (the
        mapping then commits with the rows); otherwise right after the commit, with None."""

    def deactivate(self, kind: str, key: str) -> bool:
        """Make a record inactive (void a payment)."""

    def in_use(self, kind: str, key: str) -> bool:
        """Whether other records refer to it."""
