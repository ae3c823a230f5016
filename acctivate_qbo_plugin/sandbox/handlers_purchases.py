"""Bill (the host's posted PO invoices): expense lines, total, due date, vendor balance, stock."""

from __future__ import annotations

from decimal import Decimal

from acctivate_qbo_plugin.sandbox import errors
from acctivate_qbo_plugin.sandbox.effects import Delta, Effect
from acctivate_qbo_plugin.sandbox.entities import EntitySpec
from acctivate_qbo_plugin.sandbox.handlers_base import (
    SERVER_KEYS,
    Handler,
    due_date,
    line_ids,
    ordered,
    prepare_transaction_header,
    require_lines,
)
from acctivate_qbo_plugin.sandbox.handlers_sales import item_refs, stock_moves
from acctivate_qbo_plugin.sandbox.money import (
    ZERO,
    money_json,
    optional_decimal,
    round_money,
    to_decimal,
)
from acctivate_qbo_plugin.sandbox.store import Reader, Record
from acctivate_qbo_plugin.sandbox.validation import (
    WriteContext,
    check_length,
    check_lengths,
    resolve_ref,
    resolve_tax_code,
    resolve_top_level_refs,
)

BILL_ORDER = (
    "SalesTermRef",
    "DueDate",
    "Balance",
    *SERVER_KEYS,
    "DocNumber",
    "TxnDate",
    "DepartmentRef",
    "CurrencyRef",
    "PrivateNote",
    "LinkedTxn",
    "Line",
    "VendorRef",
    "APAccountRef",
    "TotalAmt",
)
EXPENSE_DETAIL_TYPES = ("ItemBasedExpenseLineDetail", "AccountBasedExpenseLineDetail")
_ITEM_DETAIL_ORDER = ("BillableStatus", "ItemRef", "UnitPrice", "Qty", "TaxCodeRef")
_ACCOUNT_DETAIL_ORDER = ("AccountRef", "BillableStatus", "TaxCodeRef")


class BillHandler(Handler):
    order = BILL_ORDER

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        check_lengths(spec, record)
        txn_date = prepare_transaction_header(spec, record, existing=existing, ctx=ctx)
        vendor = resolve_ref(ctx, record, "VendorRef", "Vendor", required=True)
        assert vendor is not None
        resolve_top_level_refs(ctx, spec, record)
        if "APAccountRef" not in record:
            payable = accounts_payable(ctx.reader)
            if payable is not None:
                record["APAccountRef"] = {"value": payable["Id"], "name": payable["Name"]}
        lines, total = self._lines(ctx, record, existing)
        record["Line"] = lines
        record["TotalAmt"] = money_json(total)
        paid = ZERO
        if existing is not None:
            paid = to_decimal(existing.get("TotalAmt", 0), "TotalAmt") - to_decimal(
                existing.get("Balance", 0), "Balance"
            )
        record["Balance"] = money_json(total - paid)
        if "DueDate" not in record:
            term_ref = record.get("SalesTermRef") or vendor.get("TermRef")
            term = None
            if isinstance(term_ref, dict):
                term = ctx.reader.get("Term", str(term_ref.get("value")))
            record["DueDate"] = due_date(txn_date, term).isoformat()
        return ordered(record, self.order)

    @staticmethod
    def _lines(
        ctx: WriteContext, record: Record, existing: Record | None
    ) -> tuple[list[Record], Decimal]:
        content = require_lines(record)
        total = ZERO
        built_lines = []
        ids = line_ids(content, existing)
        for number, (line, line_id) in enumerate(zip(content, ids, strict=True), start=1):
            detail_type = line.get("DetailType")
            if detail_type is None:
                raise errors.required_missing("Line.DetailType")
            if detail_type not in EXPENSE_DETAIL_TYPES:
                raise errors.invalid_enumeration(
                    "Line.DetailType", detail_type, EXPENSE_DETAIL_TYPES
                )
            check_length("Line.Description", line.get("Description"), 4000)
            detail = dict(line.get(detail_type) or {})
            element = f"Line.{detail_type}"
            amount: Decimal | None = None
            if detail_type == "ItemBasedExpenseLineDetail":
                resolve_ref(
                    ctx, detail, "ItemRef", "Item", element=f"{element}.ItemRef", required=True
                )
                qty = optional_decimal(detail.get("Qty"), f"{element}.Qty")
                price = optional_decimal(detail.get("UnitPrice"), f"{element}.UnitPrice")
                if qty is not None and price is not None:
                    amount = round_money(qty * price)
                order = _ITEM_DETAIL_ORDER
            else:
                account_element = f"{element}.AccountRef"
                resolve_ref(
                    ctx, detail, "AccountRef", "Account", element=account_element, required=True
                )
                order = _ACCOUNT_DETAIL_ORDER
            if amount is None:
                if "Amount" not in line:
                    raise errors.required_missing("Line.Amount")
                amount = to_decimal(line["Amount"], "Line.Amount")
            detail.setdefault("BillableStatus", "NotBillable")
            if "TaxCodeRef" in detail:
                resolve_tax_code(ctx, detail, f"{element}.TaxCodeRef")
            else:
                detail["TaxCodeRef"] = {"value": "NON"}
            total += amount
            built: Record = {"Id": line_id, "LineNum": number}
            if "Description" in line:
                built["Description"] = line["Description"]
            built["Amount"] = money_json(amount)
            built["DetailType"] = detail_type
            built[detail_type] = ordered(detail, order)
            for key, value in line.items():
                if key not in built and key not in ("LineNum", "Amount"):
                    built[key] = value
            built_lines.append(built)
        return built_lines, total

    def effects(self, record: Record, reader: Reader) -> list[Effect]:
        result: list[Effect] = []
        vendor = record.get("VendorRef")
        if isinstance(vendor, dict):
            total = to_decimal(record.get("TotalAmt", 0), "TotalAmt")
            result.append(Delta("Vendor", str(vendor["value"]), "Balance", total))
        result.extend(stock_moves(record, reader, "ItemBasedExpenseLineDetail", 1))
        return result

    def inventory_lines(self, record: Record) -> list[tuple[str, str]]:
        return item_refs(record, "ItemBasedExpenseLineDetail")


def accounts_payable(reader: Reader) -> Record | None:
    for account in reader.values("Account"):
        if account.get("AccountType") == "Accounts Payable" and account.get("Active", True):
            return account
    return None
