"""Which entities the sandbox serves, and the static facts about each one.

Every entity can be stored, read, queried and reported by CDC; the ones the plugin syncs also
get QBO's business rules (their handlers live in the ``handlers_*`` modules).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from acctivate_qbo_plugin.sandbox.properties import PROPERTIES


class Kind(enum.Enum):
    NAME_LIST = "name-list"  # deleted by Active:false; default queries show active rows only
    TRANSACTION = "transaction"  # deleted with ?operation=delete
    SINGLETON = "singleton"  # Preferences, CompanyInfo


@dataclass(frozen=True)
class EntitySpec:
    name: str
    kind: Kind
    id_group: str
    properties: frozenset[str] | None = None
    max_lengths: Mapping[str, int] = field(default_factory=dict)
    refs: Mapping[str, str] = field(default_factory=dict)
    voidable: bool = False
    api_writable: bool = True
    cdc: bool = True
    auto_doc_number: bool = False
    posting: bool = False  # a posting transaction: subject to the closing date
    min_minor_version: int | None = None
    numeric_ids: bool = True
    name_field: str | None = None

    @property
    def path_segment(self) -> str:
        return self.name.lower()

    @property
    def is_name_list(self) -> bool:
        return self.kind is Kind.NAME_LIST

    @property
    def is_transaction(self) -> bool:
        return self.kind is Kind.TRANSACTION


# Customer, Vendor and Employee share one Id sequence and one DisplayName namespace in QBO
# (a recorded Vendor got Id 71 right after a Customer got 70).
PARTY_GROUP = "party"
PARTIES = ("Customer", "Vendor", "Employee")

_PERSON_LENGTHS = {
    "DisplayName": 100,
    "GivenName": 100,
    "MiddleName": 100,
    "FamilyName": 100,
    "CompanyName": 100,
    "Title": 16,
    "Suffix": 16,
    "PrintOnCheckName": 110,
    "Notes": 2000,
}
_TXN_LENGTHS = {"DocNumber": 21, "PrivateNote": 4000}


def _name_list(name: str, *, id_group: str | None = None, **extra: object) -> EntitySpec:
    return EntitySpec(
        name=name,
        kind=Kind.NAME_LIST,
        id_group=id_group or name,
        properties=PROPERTIES.get(name),
        **extra,  # type: ignore[arg-type]
    )


def _transaction(name: str, **extra: object) -> EntitySpec:
    options: dict[str, object] = {"max_lengths": _TXN_LENGTHS, "posting": True}
    options.update(extra)
    return EntitySpec(
        name=name,
        kind=Kind.TRANSACTION,
        id_group="txn",
        properties=PROPERTIES.get(name),
        **options,  # type: ignore[arg-type]
    )


_SPECS = [
    _name_list(
        "Customer",
        id_group=PARTY_GROUP,
        max_lengths=_PERSON_LENGTHS | {"ResaleNum": 16},
        refs={
            "ParentRef": "Customer",
            "SalesTermRef": "Term",
            "PaymentMethodRef": "PaymentMethod",
            "DefaultTaxCodeRef": "TaxCode",
            "ARAccountRef": "Account",
        },
        name_field="DisplayName",
    ),
    _name_list(
        "Vendor",
        id_group=PARTY_GROUP,
        max_lengths=_PERSON_LENGTHS | {"AcctNum": 100},
        refs={"TermRef": "Term", "APAccountRef": "Account"},
        name_field="DisplayName",
    ),
    _name_list(
        "Employee", id_group=PARTY_GROUP, max_lengths=_PERSON_LENGTHS, name_field="DisplayName"
    ),
    _name_list(
        "Item",
        max_lengths={"Name": 100, "Sku": 100, "Description": 4000, "PurchaseDesc": 1000},
        refs={
            "ParentRef": "Item",
            "IncomeAccountRef": "Account",
            "ExpenseAccountRef": "Account",
            "AssetAccountRef": "Account",
            "PrefVendorRef": "Vendor",
            "SalesTaxCodeRef": "TaxCode",
            "PurchaseTaxCodeRef": "TaxCode",
        },
        name_field="FullyQualifiedName",
    ),
    _name_list(
        "Account",
        max_lengths={"Name": 100, "Description": 100, "AcctNum": 20},
        refs={"ParentRef": "Account"},
        name_field="FullyQualifiedName",
    ),
    _name_list("Term", max_lengths={"Name": 31}, name_field="Name"),
    _name_list("PaymentMethod", max_lengths={"Name": 31}, name_field="Name"),
    # Tax codes and rates are created by Intuit's tax service, not by the accounting API.
    _name_list("TaxCode", api_writable=False, cdc=False, numeric_ids=False),
    _name_list("TaxRate", api_writable=False, cdc=False),
    _name_list("TaxAgency", cdc=False),
    _name_list("Class", name_field="FullyQualifiedName"),
    _name_list("Department", name_field="FullyQualifiedName"),
    _transaction(
        "Invoice",
        auto_doc_number=True,
        voidable=True,
        refs={
            "CustomerRef": "Customer",
            "SalesTermRef": "Term",
            "DepositToAccountRef": "Account",
            "ARAccountRef": "Account",
            "PaymentMethodRef": "PaymentMethod",
        },
    ),
    _transaction(
        "Bill",
        refs={"VendorRef": "Vendor", "APAccountRef": "Account", "SalesTermRef": "Term"},
    ),
    _transaction("JournalEntry"),
    _transaction(
        "InventoryAdjustment",
        auto_doc_number=True,
        min_minor_version=70,
        refs={"AdjustAccountRef": "Account", "CustomerRef": "Customer"},
    ),
    _transaction(
        "Payment",
        voidable=True,
        max_lengths={"PrivateNote": 4000, "PaymentRefNum": 21},
        refs={
            "CustomerRef": "Customer",
            "DepositToAccountRef": "Account",
            "ARAccountRef": "Account",
            "PaymentMethodRef": "PaymentMethod",
        },
    ),
    _transaction(
        "SalesReceipt",
        auto_doc_number=True,
        voidable=True,
        refs={"CustomerRef": "Customer", "DepositToAccountRef": "Account"},
    ),
    _transaction("CreditMemo", auto_doc_number=True, refs={"CustomerRef": "Customer"}),
    _transaction("RefundReceipt", auto_doc_number=True, refs={"CustomerRef": "Customer"}),
    _transaction("Estimate", auto_doc_number=True, posting=False),
    _transaction("PurchaseOrder", posting=False),
    _transaction("Purchase"),
    _transaction("Deposit"),
    _transaction("BillPayment", voidable=True),
    _transaction("TimeActivity", posting=False),
    _transaction("Transfer"),
    _transaction("VendorCredit"),
    EntitySpec("Preferences", Kind.SINGLETON, "Preferences"),
    EntitySpec("CompanyInfo", Kind.SINGLETON, "CompanyInfo"),
]

REGISTRY: dict[str, EntitySpec] = {spec.name: spec for spec in _SPECS}
_BY_FOLDED = {spec.name.casefold(): spec for spec in _SPECS}

# CDC refuses these (Intuit's CDC page lists them as unsupported).
CDC_UNSUPPORTED = frozenset({"TaxCode", "TaxRate", "TaxAgency", "TimeActivity", "JournalCode"})


def spec_for(name: str) -> EntitySpec | None:
    """Exact (case-sensitive) entity name, as queries require."""
    return REGISTRY.get(name)


def spec_for_any_case(name: str) -> EntitySpec | None:
    """Entity by name or URL segment in any case (``invoice``, ``journalentry``, ``Estimate``)."""
    return _BY_FOLDED.get(name.casefold())


def require_spec(name: str) -> EntitySpec:
    spec = spec_for(name)
    if spec is None:
        raise ValueError(
            f"unknown QBO entity {name!r}; the sandbox serves: {', '.join(sorted(REGISTRY))}"
        )
    return spec
