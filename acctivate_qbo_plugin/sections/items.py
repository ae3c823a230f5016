"""The items section: host products to QBO items (Inventory with their three accounts, or
Service). Quantities move afterwards through invoices, bills and inventory adjustments."""

from __future__ import annotations

from typing import Any

from acctivate_qbo_plugin.hostdata import HostProduct
from acctivate_qbo_plugin.sections.context import SectionContext
from acctivate_qbo_plugin.sections.push import PushSection
from acctivate_qbo_plugin.sections.support import (
    MAX_NAME,
    RecordProblem,
    References,
    cents,
    clean_text,
    ref,
)


class ItemsSection(PushSection):
    name = "items"
    qbo_entities = ("Item",)
    host_side = "products"
    prerequisites = ("accounts",)
    kind = "product"
    qbo_entity = "Item"
    natural_key_field = "Name"
    owned = False  # QBO users may rename or re-price; the host's next change wins

    def build(self, record: HostProduct, refs: References, ctx: SectionContext) -> dict[str, Any]:
        label = record.label
        name = clean_text(record.sku, "name", label, limit=MAX_NAME) or ""
        if ":" in name:
            raise RecordProblem(
                f"{label}: QuickBooks item names cannot contain ':' (it separates sub-items)",
                code="bad_name",
                fix_hint="Rename the product in the host without ':', then sync.",
            )
        payload: dict[str, Any] = {
            "Name": name,
            "Description": clean_text(record.description, "description", label, limit=4000),
            "UnitPrice": cents(record.unit_price, "a price", label),
            "PurchaseCost": cents(record.unit_cost, "a cost", label),
            "Taxable": record.taxable,
            "Active": record.active,
            "IncomeAccountRef": ref(
                refs.require("account", record.income_account_key, label, "income account")
            ),
        }
        if payload["Description"] is None:
            del payload["Description"]
        if record.kind == "inventory":
            payload.update(
                {
                    "Type": "Inventory",
                    "TrackQtyOnHand": True,
                    "QtyOnHand": 0,  # stock arrives through adjustments, bills and invoices
                    "InvStartDate": (record.start_date or _missing_start(label)).isoformat(),
                    "ExpenseAccountRef": ref(
                        refs.require("account", record.cogs_account_key, label, "COGS account")
                    ),
                    "AssetAccountRef": ref(
                        refs.require(
                            "account", record.asset_account_key, label, "inventory asset account"
                        )
                    ),
                }
            )
        else:
            payload["Type"] = "Service"
        return payload

    def update_fields(self, payload: dict[str, Any]) -> dict[str, Any]:
        # Quantity and start date are QBO's to keep once the item exists; the type cannot change.
        return {k: v for k, v in payload.items() if k not in ("QtyOnHand", "InvStartDate", "Type")}


def _missing_start(label: str) -> Any:
    raise RecordProblem(
        f"{label} is an inventory item without a start date",
        code="required",
        fix_hint="Set the product's inventory start date in the host, then sync.",
    )
