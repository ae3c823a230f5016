"""The inventory section: host quantity transactions to QBO InventoryAdjustments.

A transfer between warehouses leaves QBO's quantity as it is, and a receipt made on a PO
invoice is carried by its bill: neither is sent. Adjustments dated before the item's
inventory start date are refused by QBO (6270) and reported with the fix.
"""

from __future__ import annotations

from typing import Any

from acctivate_qbo_plugin.hostdata import HostInventoryTxn
from acctivate_qbo_plugin.sections.context import SectionContext
from acctivate_qbo_plugin.sections.push import PushSection
from acctivate_qbo_plugin.sections.support import (
    MAX_DOC_NUMBER,
    MAX_NOTE,
    RecordProblem,
    References,
    clean_text,
    quantity,
    ref,
)


class InventorySection(PushSection):
    name = "inventory"
    qbo_entities = ("InventoryAdjustment",)
    host_side = "inventory quantity transactions"
    prerequisites = ("items",)
    kind = "inventory"
    qbo_entity = "InventoryAdjustment"
    dated = True

    def skip_reason(self, record: HostInventoryTxn) -> str | None:
        if record.kind == "transfer":
            return "a transfer between warehouses does not change QuickBooks' quantity"
        if record.kind == "receipt" and record.po_invoice_key is not None:
            return "received on a PO invoice: its bill carries the quantity"
        if record.qty_delta == 0:
            return "no quantity change"
        return None

    def build(
        self, record: HostInventoryTxn, refs: References, ctx: SectionContext
    ) -> dict[str, Any]:
        label = record.label
        product = ctx.services.host.get("product", [record.product_key]).get(record.product_key)
        if product is not None and product.kind != "inventory":
            raise RecordProblem(
                f"{label} adjusts {product.label}, which does not track quantities",
                code="not_inventory",
                fix_hint="Adjust inventory products only; correct the transaction in the host.",
            )
        item = refs.require("product", record.product_key, label, "item")
        account = refs.require("account", record.adjust_account_key, label, "adjustment account")
        payload: dict[str, Any] = {
            "DocNumber": clean_text(record.number, "number", label, limit=MAX_DOC_NUMBER),
            "TxnDate": record.date.isoformat(),
            "AdjustAccountRef": ref(account),
            "Line": [
                {
                    "DetailType": "ItemAdjustmentLineDetail",
                    "ItemAdjustmentLineDetail": {
                        "ItemRef": ref(item),
                        "QtyDiff": quantity(record.qty_delta),
                    },
                }
            ],
        }
        memo = clean_text(record.memo, "memo", label, limit=MAX_NOTE)
        if memo:
            payload["PrivateNote"] = memo
        return payload

    def update_fields(self, payload: dict[str, Any]) -> dict[str, Any]:
        # QBO does not let an adjustment's date change once it exists.
        return {k: v for k, v in payload.items() if k != "TxnDate"}
