"""The customers section, both ways: QBO's changes into the host, then the host's to QBO.

A record changed on both sides since the last sync keeps the newer version (by each side's
own change time) and says so. A new host customer whose name QBO already uses (for a
customer, vendor or employee: 6240) is an error with how to fix it — unless that QBO
customer is already this host customer (a create whose answer was lost).
"""

from __future__ import annotations

from typing import Any

from acctivate_qbo_plugin.hostdata import HostCustomer
from acctivate_qbo_plugin.sections.base import Direction
from acctivate_qbo_plugin.sections.context import SectionContext
from acctivate_qbo_plugin.sections.pull import PullUnit, apply_pulled
from acctivate_qbo_plugin.sections.push import PushSection
from acctivate_qbo_plugin.sections.qbo_changes import fetch_changes
from acctivate_qbo_plugin.sections.support import (
    MAX_NAME,
    RecordProblem,
    References,
    clean_text,
    fingerprint,
    flag,
    nested_text,
    parse_qbo_time,
    ref,
    ref_value,
    text,
)
from acctivate_qbo_plugin.state.mapping import Link


def customer_fields(entity: dict[str, Any], refs: References) -> dict[str, Any]:
    """QBO Customer -> host customer fields."""
    address = entity.get("BillAddr") if isinstance(entity.get("BillAddr"), dict) else {}
    return {
        "name": text(entity, "DisplayName", required=True),
        "company": text(entity, "CompanyName"),
        "first_name": text(entity, "GivenName"),
        "last_name": text(entity, "FamilyName"),
        "email": nested_text(entity, "PrimaryEmailAddr", "Address"),
        "phone": nested_text(entity, "PrimaryPhone", "FreeFormNumber"),
        "address": text(address, "Line1"),
        "city": text(address, "City"),
        "region": text(address, "CountrySubDivisionCode"),
        "postal_code": text(address, "PostalCode"),
        "taxable": flag(entity, "Taxable", True),
        "terms_key": refs.host_key("terms", ref_value(entity, "SalesTermRef")),
        "parent_key": refs.host_key("customer", ref_value(entity, "ParentRef")),
        "active": flag(entity, "Active", True),
    }


CUSTOMERS = PullUnit(
    qbo_entity="Customer",
    kind="customer",
    to_host=customer_fields,
    name=lambda e: str(e.get("DisplayName") or ""),
    label="customer",
    adopt_by_name=False,
)


class CustomersSection(PushSection):
    name = "customers"
    direction = Direction.BOTH
    qbo_entities = ("Customer",)
    host_side = "customers"
    prerequisites = ("code_tables",)
    kind = "customer"
    qbo_entity = "Customer"
    natural_key_field = "DisplayName"
    refers_to_own_kind = True  # a job refers to its parent customer
    owned = False  # both sides may edit; the pull half brings QBO's edits in

    def build(self, record: HostCustomer, refs: References, ctx: SectionContext) -> dict[str, Any]:
        label = record.label
        payload: dict[str, Any] = {
            "DisplayName": clean_text(record.name.strip(), "name", label, limit=MAX_NAME),
            "Taxable": record.taxable,
            "Active": record.active,
        }
        if not payload["DisplayName"]:
            raise RecordProblem(
                f"customer {record.number} has no name",
                code="required",
                fix_hint="Give the customer a name in the host, then sync.",
            )
        optional = {
            "CompanyName": clean_text(record.company, "company name", label, limit=MAX_NAME),
            "GivenName": clean_text(record.first_name, "first name", label, limit=100),
            "FamilyName": clean_text(record.last_name, "last name", label, limit=100),
        }
        payload.update({k: v for k, v in optional.items() if v})
        if record.email:
            payload["PrimaryEmailAddr"] = {"Address": record.email}
        if record.phone:
            payload["PrimaryPhone"] = {"FreeFormNumber": record.phone}
        address = {
            "Line1": record.address,
            "City": record.city,
            "CountrySubDivisionCode": record.region,
            "PostalCode": record.postal_code,
        }
        if any(address.values()):
            payload["BillAddr"] = {k: v for k, v in address.items() if v}
        terms = refs.get("terms", record.terms_key)
        if terms:
            payload["SalesTermRef"] = ref(terms)
        if record.parent_key is not None:
            parent = refs.require("customer", record.parent_key, label, "parent customer")
            payload.update({"Job": True, "ParentRef": ref(parent), "BillWithParent": True})
        return payload

    def sync(self, ctx: SectionContext) -> None:
        refs = References(ctx.services.mapping, ctx.services.host.describe)
        changes = fetch_changes(ctx, ["Customer"])

        def host_fingerprints(keys: list[str]) -> dict[str, str]:
            records = ctx.services.host.get("customer", keys)
            found = {}
            for key, record in records.items():
                try:
                    found[key] = fingerprint(self.build(record, refs, ctx))
                except RecordProblem:
                    continue  # the push half reports it
            return found

        def keep_host_version(link: Link, entity: dict[str, Any]) -> bool:
            record = ctx.services.host.get("customer", [link.host_key]).get(link.host_key)
            if record is None:
                return False
            try:
                host_changed = fingerprint(self.build(record, refs, ctx)) != link.fingerprint
            except RecordProblem:
                return False
            if not host_changed:
                return False
            qbo_time = parse_qbo_time((entity.get("MetaData") or {}).get("LastUpdatedTime"))
            host_newer = (
                record.changed_at is not None
                and qbo_time is not None
                and record.changed_at > qbo_time
            )
            ctx.warn(
                f"{record.label} was changed in both the host and QuickBooks since the last "
                f"sync; the {'host' if host_newer else 'QuickBooks'} version (the newer) was kept",
                record=record.label,
                qbo_id=link.qbo_id,
                fix_hint="Check the customer; re-enter the other side's change if it mattered.",
            )
            return host_newer

        apply_pulled(
            ctx,
            CUSTOMERS,
            changes.rows("Customer"),
            changes.stubs("Customer"),
            refs,
            keep_host_version=keep_host_version,
            host_fingerprints=host_fingerprints,
        )
        super().sync(ctx)
