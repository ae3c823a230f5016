"""JournalEntry (balanced debits and credits) and InventoryAdjustment (quantity changes)."""

from __future__ import annotations

from acctivate_qbo_plugin.sandbox import errors
from acctivate_qbo_plugin.sandbox.effects import Delta, Effect
from acctivate_qbo_plugin.sandbox.entities import EntitySpec
from acctivate_qbo_plugin.sandbox.handlers_base import (
    SERVER_KEYS,
    Handler,
    line_ids,
    ordered,
    prepare_transaction_header,
    require_lines,
)
from acctivate_qbo_plugin.sandbox.handlers_sales import item_refs
from acctivate_qbo_plugin.sandbox.money import ZERO, money_json, quantity_json, to_decimal
from acctivate_qbo_plugin.sandbox.store import Reader, Record
from acctivate_qbo_plugin.sandbox.validation import (
    WriteContext,
    check_length,
    check_lengths,
    ref_id,
    resolve_ref,
    resolve_top_level_refs,
)

POSTING_TYPES = ("Debit", "Credit")
_ENTITY_TYPES = ("Customer", "Vendor", "Employee")
# QBO asks for a name on lines that hit A/R (a customer) or A/P (a vendor).
_NAME_NEEDED = {"Accounts Receivable": "Customer", "Accounts Payable": "Vendor"}


class JournalEntryHandler(Handler):
    order = (
        "Adjustment",
        *SERVER_KEYS,
        "DocNumber",
        "TxnDate",
        "DepartmentRef",
        "CurrencyRef",
        "PrivateNote",
        "Line",
        "TxnTaxDetail",
    )

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        check_lengths(spec, record)
        prepare_transaction_header(spec, record, existing=existing, ctx=ctx)
        resolve_top_level_refs(ctx, spec, record)
        lines = require_lines(record)
        debits = credits = ZERO
        built_lines = []
        for line, line_id in zip(lines, line_ids(lines, existing, first=0), strict=True):
            detail_type = line.get("DetailType", "JournalEntryLineDetail")
            if detail_type != "JournalEntryLineDetail":
                raise errors.invalid_enumeration(
                    "Line.DetailType", detail_type, ["JournalEntryLineDetail"]
                )
            check_length("Line.Description", line.get("Description"), 4000)
            if "Amount" not in line:
                raise errors.required_missing("Line.Amount")
            amount = to_decimal(line["Amount"], "Line.Amount")
            if amount < 0:
                raise errors.business_validation(
                    "journal entry line amounts must be positive; "
                    "use PostingType Debit or Credit for the side",
                    "Line.Amount",
                )
            detail = dict(line.get("JournalEntryLineDetail") or {})
            posting = detail.get("PostingType")
            if posting not in POSTING_TYPES:
                raise errors.missing_posting_type("Line.JournalEntryLineDetail.PostingType")
            element = "Line.JournalEntryLineDetail.AccountRef"
            account = resolve_ref(
                ctx, detail, "AccountRef", "Account", element=element, required=True
            )
            assert account is not None
            self._entity(ctx, detail, account)
            if posting == "Debit":
                debits += amount
            else:
                credits += amount
            built: Record = {"Id": line_id}
            if "Description" in line:
                built["Description"] = line["Description"]
            built["Amount"] = money_json(amount)
            built["DetailType"] = "JournalEntryLineDetail"
            built["JournalEntryLineDetail"] = ordered(
                detail, ("PostingType", "Entity", "AccountRef")
            )
            for key, value in line.items():
                if key not in built and key != "LineNum":
                    built[key] = value
            built_lines.append(built)
        if debits != credits:
            raise errors.journal_unbalanced(str(debits), str(credits))
        record["Line"] = built_lines
        record["Adjustment"] = bool(record.get("Adjustment", False))
        record.setdefault("TxnTaxDetail", {})
        return ordered(record, self.order)

    @staticmethod
    def _entity(ctx: WriteContext, detail: Record, account: Record) -> None:
        entity = detail.get("Entity")
        needed = _NAME_NEEDED.get(str(account.get("AccountType")))
        if entity is None:
            if needed is not None:
                raise errors.business_validation(
                    f"When you use {account.get('AccountType')}, you must choose a "
                    f"{needed.lower()} in the Name field (Line.JournalEntryLineDetail.Entity)",
                    "Line.JournalEntryLineDetail.Entity",
                )
            return
        if not isinstance(entity, dict):
            raise errors.invalid_value(
                "Line.JournalEntryLineDetail.Entity", entity, "EntityTypeRef"
            )
        kind = entity.get("Type")
        if kind not in _ENTITY_TYPES:
            raise errors.invalid_enumeration(
                "Line.JournalEntryLineDetail.Entity.Type", kind, _ENTITY_TYPES
            )
        element = "Line.JournalEntryLineDetail.Entity.EntityRef"
        resolve_ref(ctx, entity, "EntityRef", kind, element=element, required=True)
        if needed is not None and kind != needed:
            raise errors.business_validation(
                f"lines on {account.get('AccountType')} need a {needed} as Entity, not a {kind}",
                "Line.JournalEntryLineDetail.Entity",
            )
        detail["Entity"] = ordered(entity, ("Type", "EntityRef"))


class InventoryAdjustmentHandler(Handler):
    order = (
        *SERVER_KEYS,
        "DocNumber",
        "TxnDate",
        "DepartmentRef",
        "PrivateNote",
        "Line",
        "AdjustAccountRef",
        "CustomerRef",
    )

    def check_update(
        self, spec: EntitySpec, body: Record, existing: Record, ctx: WriteContext
    ) -> None:
        if body.get("sparse") is not True:
            raise errors.business_validation(
                'an InventoryAdjustment can only be updated with "sparse": true', "sparse"
            )
        if "TxnDate" in body and str(body["TxnDate"])[:10] != existing.get("TxnDate"):
            raise errors.business_validation(
                "the TxnDate of an InventoryAdjustment cannot be changed", "TxnDate"
            )

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        check_lengths(spec, record)
        prepare_transaction_header(spec, record, existing=existing, ctx=ctx)
        record.pop("CurrencyRef", None)  # QBO does not show a currency on adjustments
        resolve_ref(ctx, record, "AdjustAccountRef", "Account", required=True)
        resolve_top_level_refs(ctx, spec, record)
        lines = require_lines(record)
        built_lines = []
        for line, line_id in zip(lines, line_ids(lines, existing), strict=True):
            detail_type = line.get("DetailType", "ItemAdjustmentLineDetail")
            if detail_type != "ItemAdjustmentLineDetail":
                raise errors.invalid_enumeration(
                    "Line.DetailType", detail_type, ["ItemAdjustmentLineDetail"]
                )
            detail = dict(line.get("ItemAdjustmentLineDetail") or {})
            element = "Line.ItemAdjustmentLineDetail"
            item = resolve_ref(
                ctx, detail, "ItemRef", "Item", element=f"{element}.ItemRef", required=True
            )
            assert item is not None
            if item.get("Type") != "Inventory" or item.get("TrackQtyOnHand") is not True:
                raise errors.business_validation(
                    f"item {item.get('Name')!r} does not track quantity on hand; only inventory "
                    "items can be adjusted",
                    f"{element}.ItemRef",
                )
            if "NewQty" in detail and "QtyDiff" not in detail:
                new_qty = to_decimal(detail["NewQty"], f"{element}.NewQty")
                current = to_decimal(item.get("QtyOnHand", 0), "QtyOnHand")
                detail["QtyDiff"] = quantity_json(new_qty - current)
            if "QtyDiff" not in detail:
                raise errors.required_missing(f"{element}.QtyDiff")
            detail["QtyDiff"] = quantity_json(to_decimal(detail["QtyDiff"], f"{element}.QtyDiff"))
            built: Record = {"Id": line_id, "DetailType": "ItemAdjustmentLineDetail"}
            if "Description" in line:
                check_length("Line.Description", line["Description"], 4000)
                built["Description"] = line["Description"]
            built["ItemAdjustmentLineDetail"] = ordered(detail, ("ItemRef", "QtyDiff", "NewQty"))
            built_lines.append(built)
        record["Line"] = built_lines
        return ordered(record, self.order)

    def effects(self, record: Record, reader: Reader) -> list[Effect]:
        moves: list[Effect] = []
        for line in record.get("Line") or []:
            detail = line.get("ItemAdjustmentLineDetail") or {}
            item_id = ref_id(detail.get("ItemRef"), "ItemRef")
            qty = to_decimal(detail.get("QtyDiff", 0), "QtyDiff")
            moves.append(Delta("Item", item_id, "QtyOnHand", qty))
        return moves

    def inventory_lines(self, record: Record) -> list[tuple[str, str]]:
        return item_refs(record, "ItemAdjustmentLineDetail")
