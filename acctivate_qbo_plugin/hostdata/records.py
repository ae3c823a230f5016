"""The host records the sections read and write, independent of any host's table layout.

Keys are strings (a host's primary key, as text); references to other records are their keys.
Money is Decimal; dates are ``date``; ``changed_at`` is the host database's UTC time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement

__all__ = [
    "HostCustomer",
    "HostInventoryTxn",
    "HostInvoice",
    "HostInvoiceLine",
    "HostJournal",
    "HostJournalLine",
    "HostPOInvoice",
    "HostPOInvoiceLine",
    "HostProduct",
    "HostRecord",
    "SettledCondition",
]


SettledCondition = Callable[[ColumnElement[Any], ColumnElement[Any]], ColumnElement[bool]]
"""Given a row's key (as text) and its change time, SQL that is true when the plugin has that
row in QBO as of that change time (built by ``MappingStore.settled_condition``)."""


@dataclass(frozen=True)
class HostCustomer:
    key: str
    number: str
    name: str
    company: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    taxable: bool = True
    terms_key: str | None = None
    parent_key: str | None = None
    active: bool = True
    changed_at: datetime | None = None

    @property
    def label(self) -> str:
        return f"customer {self.name!r}"


@dataclass(frozen=True)
class HostProduct:
    key: str
    sku: str
    description: str | None
    kind: str  # "inventory" or "service"
    unit_price: Decimal
    unit_cost: Decimal
    qty_on_hand: Decimal
    taxable: bool
    start_date: date | None
    income_account_key: str | None
    cogs_account_key: str | None
    asset_account_key: str | None
    active: bool = True
    changed_at: datetime | None = None

    @property
    def label(self) -> str:
        return f"item {self.sku!r}"


@dataclass(frozen=True)
class HostInvoiceLine:
    product_key: str
    description: str | None
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    taxable: bool = True


@dataclass(frozen=True)
class HostInvoice:
    key: str
    number: str
    customer_key: str
    date: date
    due_date: date | None
    terms_key: str | None
    memo: str | None
    total: Decimal
    lines: tuple[HostInvoiceLine, ...] = field(default=())
    changed_at: datetime | None = None

    @property
    def label(self) -> str:
        return f"invoice {self.number}"


@dataclass(frozen=True)
class HostPOInvoiceLine:
    product_key: str | None
    account_key: str | None
    description: str | None
    quantity: Decimal
    unit_cost: Decimal
    amount: Decimal


@dataclass(frozen=True)
class HostPOInvoice:
    key: str
    number: str
    po_number: str | None
    vendor_key: str
    date: date
    due_date: date | None
    memo: str | None
    total: Decimal
    lines: tuple[HostPOInvoiceLine, ...] = field(default=())
    changed_at: datetime | None = None

    @property
    def label(self) -> str:
        return f"PO invoice {self.number}"


@dataclass(frozen=True)
class HostInventoryTxn:
    key: str
    number: str
    kind: str  # "adjustment", "transfer" or "receipt"
    product_key: str
    qty_delta: Decimal
    date: date
    adjust_account_key: str | None
    po_invoice_key: str | None
    memo: str | None
    changed_at: datetime | None = None

    @property
    def label(self) -> str:
        return f"inventory transaction {self.number}"


@dataclass(frozen=True)
class HostJournalLine:
    account_key: str
    debit: Decimal
    credit: Decimal
    memo: str | None = None
    customer_key: str | None = None
    vendor_key: str | None = None


@dataclass(frozen=True)
class HostJournal:
    key: str
    number: str
    date: date
    memo: str | None
    lines: tuple[HostJournalLine, ...] = field(default=())
    changed_at: datetime | None = None

    @property
    def label(self) -> str:
        return f"journal {self.number}"


HostRecord = (
    HostCustomer | HostProduct | HostInvoice | HostPOInvoice | HostInventoryTxn | HostJournal
)
