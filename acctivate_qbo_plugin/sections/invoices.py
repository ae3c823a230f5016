"""The invoices section: posted host invoices to QBO Invoices (the host owns them).

QBO computes tax, so its TotalAmt may differ from the host's total: a warning, not an
error. An invoice edited in QBO (amount, customer, date) is a warning and the host's
version is sent back, as Acctivate does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from acctivate_qbo_plugin.hostdata import HostInvoice
from acctivate_qbo_plugin.sections.context import SectionContext
from acctivate_qbo_plugin.sections.push import PushSection
from acctivate_qbo_plugin.sections.support import (
    MAX_DOC_NUMBER,
    MAX_NOTE,
    RecordProblem,
    References,
    as_decimal,
    cents,
    clean_text,
    quantity,
    ref,
    ref_value,
)
from acctivate_qbo_plugin.sections.transactions import describe_changes, line_total


class InvoicesSection(PushSection):
    name = "invoices"
    qbo_entities = ("Invoice",)
    host_side = "posted invoices"
    prerequisites = ("customers", "items")
    kind = "invoice"
    qbo_entity = "Invoice"
    dated = True

    def build(self, record: HostInvoice, refs: References, ctx: SectionContext) -> dict[str, Any]:
        label = record.label
        if not record.lines:
            raise RecordProblem(
                f"{label} has no lines",
                code="required",
                fix_hint="Add at least one line to the invoice in the host, then sync.",
            )
        lines = []
        for number, line in enumerate(record.lines, start=1):
            if line.quantity <= 0 or line.amount < 0:
                raise RecordProblem(
                    f"{label} line {number} has quantity {line.quantity} and amount "
                    f"{line.amount}; a QuickBooks invoice line needs a positive quantity",
                    code="bad_quantity",
                    fix_hint="Record returns as a credit memo, not as a negative invoice line; "
                    "correct the invoice in the host, then sync.",
                )
            item = refs.require("product", line.product_key, label, "item")
            detail: dict[str, Any] = {
                "ItemRef": ref(item),
                "Qty": quantity(line.quantity),
                "UnitPrice": float(line.unit_price),
                "TaxCodeRef": ref("TAX" if line.taxable else "NON"),
            }
            entry: dict[str, Any] = {
                "LineNum": number,
                "Amount": cents(line.amount, f"a line {number} amount", label),
                "DetailType": "SalesItemLineDetail",
                "SalesItemLineDetail": detail,
            }
            description = clean_text(line.description, "line description", label, limit=4000)
            if description:
                entry["Description"] = description
            lines.append(entry)
        payload: dict[str, Any] = {
            "DocNumber": clean_text(record.number, "number", label, limit=MAX_DOC_NUMBER),
            "TxnDate": record.date.isoformat(),
            "CustomerRef": ref(refs.require("customer", record.customer_key, label, "customer")),
            "Line": lines,
        }
        if record.due_date:
            payload["DueDate"] = record.due_date.isoformat()
        terms = refs.get("terms", record.terms_key)
        if terms:
            payload["SalesTermRef"] = ref(terms)
        memo = clean_text(record.memo, "memo", label, limit=MAX_NOTE)
        if memo:
            payload["PrivateNote"] = memo
        return payload

    def after_write(self, ctx: SectionContext, record: HostInvoice, entity: dict[str, Any]) -> None:
        total = as_decimal(entity.get("TotalAmt"))
        if total is not None and total != record.total:
            ctx.warn(
                f"invoice {record.number} total changed from {record.total:.2f} to {total:.2f} "
                "in QuickBooks (QuickBooks computed the tax or rounding)",
                record=record.label,
                qbo_id=entity.get("Id"),
                fix_hint="Informational: check the tax code of the invoice's customer and lines "
                "if the difference is unexpected.",
            )

    def describe_qbo_edit(
        self, record: HostInvoice, payload: dict[str, Any], entity: dict[str, Any]
    ) -> list[str]:
        ours = sum((line.amount for line in record.lines), Decimal("0"))
        return describe_changes(
            amount=(ours, line_total(entity, "SalesItemLineDetail")),
            party=("customer", ref_value(payload, "CustomerRef"), ref_value(entity, "CustomerRef")),
            when=(payload.get("TxnDate"), entity.get("TxnDate")),
        )
