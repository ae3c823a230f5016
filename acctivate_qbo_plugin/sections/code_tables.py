"""The code tables section: terms, payment methods and tax codes from QBO into the host."""

from __future__ import annotations

from typing import Any

from acctivate_qbo_plugin.sections.pull import PullSection, PullUnit
from acctivate_qbo_plugin.sections.support import References, flag, number, text


def terms_fields(entity: dict[str, Any], refs: References) -> dict[str, Any]:
    due_days = number(entity, "DueDays")
    return {
        "name": text(entity, "Name", required=True),
        "due_days": int(due_days) if due_days is not None else None,
        "active": flag(entity, "Active", True),
    }


def payment_method_fields(entity: dict[str, Any], refs: References) -> dict[str, Any]:
    return {
        "name": text(entity, "Name", required=True),
        # Matched to host payment types by name plus the credit/debit card flag, as Acctivate does.
        "is_card": text(entity, "Type") == "CREDIT_CARD",
        "active": flag(entity, "Active", True),
    }


def tax_code_fields(entity: dict[str, Any], refs: References) -> dict[str, Any]:
    return {
        "name": text(entity, "Name", required=True),
        "taxable": flag(entity, "Taxable", True),
        "active": flag(entity, "Active", True),
    }


def _name(entity: dict[str, Any]) -> str:
    return str(entity.get("Name") or "")


class CodeTablesSection(PullSection):
    name = "code_tables"
    qbo_entities = ("Term", "PaymentMethod", "TaxCode")
    host_side = "terms, payment methods, tax codes"
    units = (
        PullUnit("Term", "terms", terms_fields, _name, "terms"),
        PullUnit("PaymentMethod", "payment_method", payment_method_fields, _name, "payment method"),
        PullUnit("TaxCode", "tax_code", tax_code_fields, _name, "tax code"),
    )
    cdc_entities = ("Term", "PaymentMethod")  # QBO's CDC does not cover TaxCode
