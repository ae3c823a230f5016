"""Customer, Vendor and Employee: display names, jobs (sub-customers) and balances."""

from __future__ import annotations

from typing import Any

from acctivate_qbo_plugin.sandbox import errors
from acctivate_qbo_plugin.sandbox.entities import EntitySpec
from acctivate_qbo_plugin.sandbox.handlers_base import SERVER_KEYS, USD, Handler, ordered
from acctivate_qbo_plugin.sandbox.store import Record
from acctivate_qbo_plugin.sandbox.validation import (
    WriteContext,
    check_lengths,
    optional_bool,
    reject_colon,
    resolve_ref,
    resolve_top_level_refs,
)

_CONTACT = ("PrimaryPhone", "AlternatePhone", "Mobile", "Fax", "PrimaryEmailAddr", "WebAddr")
_NAMES = ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")
MAX_JOB_LEVEL = 4  # QBO allows a customer plus four levels of sub-customers


def derive_display_name(record: Record, *, company_first: bool) -> str | None:
    """QBO fills DisplayName from the person's or the company's name when it is omitted."""
    person = " ".join(
        str(record[key]) for key in ("GivenName", "MiddleName", "FamilyName") if record.get(key)
    )
    company = record.get("CompanyName")
    candidates = (company, person) if company_first else (person, company)
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return None


def _prepare_party(
    spec: EntitySpec, record: Record, ctx: WriteContext, *, company_first: bool
) -> str:
    name = record.get("DisplayName")
    if name is None:
        name = derive_display_name(record, company_first=company_first)
        if name is None:
            raise errors.required_missing("DisplayName")
        record["DisplayName"] = name
    if not isinstance(name, str) or not name.strip():
        raise errors.required_missing("DisplayName")
    check_lengths(spec, record)
    reject_colon("DisplayName", name)
    record.setdefault("PrintOnCheckName", name[:110])
    record["Active"] = optional_bool(record.get("Active"), "Active", True)
    _number_addresses(record, ctx)
    return name


def _number_addresses(record: Record, ctx: WriteContext) -> None:
    """QBO gives every stored address an Id of its own."""
    for key in ("BillAddr", "ShipAddr", "PrimaryAddr", "OtherAddr"):
        address = record.get(key)
        if isinstance(address, dict) and "Id" not in address:
            record[key] = {"Id": ctx.store.next_in_sequence("address", floor=100), **address}


class CustomerHandler(Handler):
    order = (
        "Taxable",
        "BillAddr",
        "ShipAddr",
        "Notes",
        "Job",
        "BillWithParent",
        "ParentRef",
        "Level",
        "SalesTermRef",
        "PaymentMethodRef",
        "Balance",
        "BalanceWithJobs",
        "CurrencyRef",
        "PreferredDeliveryMethod",
        *SERVER_KEYS,
        *_NAMES,
        "FullyQualifiedName",
        "CompanyName",
        "DisplayName",
        "PrintOnCheckName",
        "Active",
        *_CONTACT,
        "DefaultTaxCodeRef",
    )
    retained = frozenset({"Balance", "BalanceWithJobs"})

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        name = _prepare_party(spec, record, ctx, company_first=False)
        resolve_top_level_refs(ctx, spec, record)
        parent = resolve_ref(ctx, record, "ParentRef", "Customer", with_name=False)
        if parent is not None:
            if existing is not None and parent["Id"] == existing["Id"]:
                raise errors.business_validation("a customer cannot be its own parent", "ParentRef")
            level = int(parent.get("Level", 0)) + 1
            if level > MAX_JOB_LEVEL:
                raise errors.business_validation(
                    f"sub-customers can be nested {MAX_JOB_LEVEL} levels deep at most",
                    "ParentRef",
                )
            record["Job"] = True
            record["Level"] = level
            record.setdefault("BillWithParent", False)
            record["FullyQualifiedName"] = f"{parent.get('FullyQualifiedName')}:{name}"
        else:
            record["Job"] = False
            record.pop("Level", None)
            record["FullyQualifiedName"] = name
        record.setdefault("BillWithParent", False)
        taxable = optional_bool(record.get("Taxable"), "Taxable", True)
        record["Taxable"] = taxable
        if taxable and "DefaultTaxCodeRef" not in record:
            default_code = _default_tax_code(ctx)
            if default_code:
                record["DefaultTaxCodeRef"] = {"value": default_code}
        record.setdefault("Balance", 0)
        record.setdefault("BalanceWithJobs", record["Balance"])
        record.setdefault("CurrencyRef", dict(USD))
        record.setdefault("PreferredDeliveryMethod", "Print")
        return ordered(record, self.order)


class VendorHandler(Handler):
    order = (
        "BillAddr",
        "TaxIdentifier",
        "TermRef",
        "Balance",
        "AcctNum",
        "Vendor1099",
        "CurrencyRef",
        *SERVER_KEYS,
        *_NAMES,
        "CompanyName",
        "DisplayName",
        "PrintOnCheckName",
        "Active",
        *_CONTACT,
    )
    retained = frozenset({"Balance"})

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        _prepare_party(spec, record, ctx, company_first=True)
        resolve_top_level_refs(ctx, spec, record)
        record.setdefault("Balance", 0)
        record["Vendor1099"] = optional_bool(record.get("Vendor1099"), "Vendor1099", False)
        record.setdefault("CurrencyRef", dict(USD))
        return ordered(record, self.order)


class EmployeeHandler(Handler):
    order = (
        "EmployeeNumber",
        "SSN",
        "PrimaryAddr",
        "BillableTime",
        "BillRate",
        "BirthDate",
        "Gender",
        "HiredDate",
        "ReleasedDate",
        *SERVER_KEYS,
        *_NAMES,
        "DisplayName",
        "PrintOnCheckName",
        "Active",
        *_CONTACT,
    )

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        if not record.get("GivenName") and not record.get("FamilyName"):
            # QBO needs a person's name for an employee (DisplayName alone is not enough).
            raise errors.required_missing("GivenName")
        _prepare_party(spec, record, ctx, company_first=False)
        record["BillableTime"] = optional_bool(record.get("BillableTime"), "BillableTime", False)
        return ordered(record, self.order)


def _default_tax_code(ctx: WriteContext) -> str | None:
    tax_prefs: dict[str, Any] = ctx.preferences().get("TaxPrefs") or {}
    ref = tax_prefs.get("TaxGroupCodeRef") or {}
    return ref.get("value") if tax_prefs.get("UsingSalesTax") and isinstance(ref, dict) else None
