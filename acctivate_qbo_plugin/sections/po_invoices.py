"""The PO invoices section: posted host PO invoices (receipts) to QBO Bills (host-owned)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from acctivate_qbo_plugin.hostdata import HostPOInvoice
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
from acctivate_qbo_plugin.sections.transactions import describe_changes
from acctivate_qbo_plugin.sections.transactions import line_total as _lines


class PoInvoicesSection(PushSection):
    name = "po_invoices"
    qbo_entities = ("Bill",)
    host_side = "posted PO invoices (receipts)"
    prerequisites = ("vendors", "items")
    kind = "po_invoice"
    qbo_entity = "Bill"
    dated = True

    def build(self, record: HostPOInvoice, refs: References, ctx: SectionContext) -> dict[str, Any]:
        label = record.label
        if not record.lines:
            raise RecordProblem(
                f"{label} has no lines",
                code="required",
                fix_hint="Add at least one line to the PO invoice in the host, then sync.",
            )
        lines = []
        for number, line in enumerate(record.lines, start=1):
            if line.quantity <= 0 or line.amount < 0:
                raise RecordProblem(
                    f"{label} line {number} has quantity {line.quantity} and amount "
                    f"{line.amount}; a QuickBooks bill line needs a positive quantity",
                    code="bad_quantity",
                    fix_hint="Record returns to the vendor as a vendor credit; correct the PO "
                    "invoice in the host, then sync.",
                )
            entry: dict[str, Any] = {
                "LineNum": number,
                "Amount": cents(line.amount, f"a line {number} amount", label),
            }
            description = clean_text(line.description, "line description", label, limit=4000)
            if description:
                entry["Description"] = description
            if line.product_key is not None:
                item = refs.require("product", line.product_key, label, "item")
                entry["DetailType"] = "ItemBasedExpenseLineDetail"
                entry["ItemBasedExpenseLineDetail"] = {
                    "ItemRef": ref(item),
                    "Qty": quantity(line.quantity),
                    "UnitPrice": float(line.unit_cost),
                    "BillableStatus": "NotBillable",
                }
            else:
                account = refs.require("account", line.account_key, label, "account")
                entry["DetailType"] = "AccountBasedExpenseLineDetail"
                entry["AccountBasedExpenseLineDetail"] = {
                    "AccountRef": ref(account),
                    "BillableStatus": "NotBillable",
                }
            lines.append(entry)
        payload: dict[str, Any] = {
            "DocNumber": clean_text(record.number, "number", label, limit=MAX_DOC_NUMBER),
            "TxnDate": record.date.isoformat(),
            "VendorRef": ref(refs.require("vendor", record.vendor_key, label, "vendor")),
            "Line": lines,
        }
        if record.due_date:
            payload["DueDate"] = record.due_date.isoformat()
        note = [f"PO {record.po_number}"] if record.po_number else []
        note += [record.memo] if record.memo else []
        memo = clean_text(" - ".join(note) or None, "memo", label, limit=MAX_NOTE)
        if memo:
            payload["PrivateNote"] = memo
        return payload

    def after_write(
        self, ctx: SectionContext, record: HostPOInvoice, entity: dict[str, Any]
    ) -> None:
        total = as_decimal(entity.get("TotalAmt"))
        if total is not None and total != record.total:
            ctx.warn(
                f"bill {record.number} amount changed from {record.total:.2f} to {total:.2f} "
                "in QuickBooks",
                record=record.label,
                qbo_id=entity.get("Id"),
                fix_hint="Informational: check the PO invoice's lines if the difference is "
                "unexpected.",
            )

    def describe_qbo_edit(
        self, record: HostPOInvoice, payload: dict[str, Any], entity: dict[str, Any]
    ) -> list[str]:
        ours = sum((line.amount for line in record.lines), Decimal("0"))
        theirs_items = _lines(entity, "ItemBasedExpenseLineDetail")
        theirs_accounts = _lines(entity, "AccountBasedExpenseLineDetail")
        theirs = (
            None
            if theirs_items is None or theirs_accounts is None
            else theirs_items + theirs_accounts
        )
        return describe_changes(
            amount=(ours, theirs),
            party=("vendor", ref_value(payload, "VendorRef"), ref_value(entity, "VendorRef")),
            when=(payload.get("TxnDate"), entity.get("TxnDate")),
        )
