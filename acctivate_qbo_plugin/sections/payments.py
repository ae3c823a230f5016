"""The payments section: customer payments received in QBO, applied to the host's invoices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from acctivate_qbo_plugin.sections.pull import PullSection, PullUnit
from acctivate_qbo_plugin.sections.support import (
    RecordProblem,
    References,
    number,
    qbo_date,
    ref_value,
    text,
)


def payment_fields(entity: dict[str, Any], refs: References) -> dict[str, Any]:
    customer_id = ref_value(entity, "CustomerRef")
    customer_key = refs.host_key("customer", customer_id)
    if customer_key is None:
        raise RecordProblem(
            f"QuickBooks payment {entity.get('Id')} is from customer {customer_id}, which is "
            "not in the host",
            code="missing_reference",
            fix_hint="Fix the customers section's errors first; the payment follows on the "
            "next sync.",
        )
    warnings: list[str] = []
    applications: list[tuple[str, Decimal]] = []
    lines = entity.get("Line") or []
    if not isinstance(lines, list):
        lines = []
    for line in lines:
        if not isinstance(line, dict):
            continue
        amount = number(line, "Amount") or Decimal("0")
        for linked in line.get("LinkedTxn") or []:
            if not isinstance(linked, dict) or linked.get("TxnType") != "Invoice":
                continue
            invoice_key = refs.host_key("invoice", linked.get("TxnId"))
            if invoice_key is None:
                warnings.append(
                    f"payment {entity.get('Id')} applies {amount} to QuickBooks invoice "
                    f"{linked.get('TxnId')}, which did not come from the host; that part was "
                    "not applied in the host"
                )
            else:
                applications.append((invoice_key, amount))
    total = number(entity, "TotalAmt", required=True) or Decimal("0")
    voided = text(entity, "PrivateNote") == "Voided" and total == 0
    return {
        "reference": text(entity, "PaymentRefNum") or entity.get("Id"),
        "customer_key": customer_key,
        "payment_date": qbo_date(entity, "TxnDate", required=True),
        "amount": total,
        "method_key": refs.host_key("payment_method", ref_value(entity, "PaymentMethodRef")),
        "voided": voided,
        "applications": applications,
        "_warnings": warnings,
    }


PAYMENTS = PullUnit(
    qbo_entity="Payment",
    kind="payment",
    to_host=payment_fields,
    name=lambda e: str(e.get("PaymentRefNum") or e.get("Id") or ""),
    label="payment",
)


class PaymentsSection(PullSection):
    name = "payments"
    qbo_entities = ("Payment",)
    host_side = "customer payments on invoices"
    prerequisites = ("customers", "invoices")
    units = (PAYMENTS,)
