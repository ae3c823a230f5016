"""Invoice and the other sales forms: lines, the SubTotal line, sales tax, totals, balance.

QBO computes the totals itself: a line's Amount is Qty x UnitPrice when both are given, a
``SubTotalLineDetail`` line is added, tax is the taxable (``TAX``) lines times the rate of the
transaction's tax code (or the company default), rounded half-up to cents, and
``TotalAmt = subtotal - discounts + tax``. So the total can differ from what the host sent.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

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
    ref_id,
    resolve_ref,
    resolve_tax_code,
    resolve_top_level_refs,
)

SALES_ORDER = (
    "AllowIPNPayment",
    "AllowOnlinePayment",
    "AllowOnlineCreditCardPayment",
    "AllowOnlineACHPayment",
    "RemainingCredit",
    *SERVER_KEYS,
    "CustomField",
    "DocNumber",
    "TxnDate",
    "DepartmentRef",
    "CurrencyRef",
    "PrivateNote",
    "TxnStatus",
    "LinkedTxn",
    "Line",
    "TxnTaxDetail",
    "CustomerRef",
    "CustomerMemo",
    "BillAddr",
    "ShipAddr",
    "ClassRef",
    "SalesTermRef",
    "DueDate",
    "TotalAmt",
    "ApplyTaxAfterDiscount",
    "PrintStatus",
    "EmailStatus",
    "BillEmail",
    "Balance",
    "PaymentMethodRef",
    "PaymentRefNum",
    "DepositToAccountRef",
)
_ITEM_DETAIL_ORDER = ("ItemRef", "ClassRef", "UnitPrice", "Qty", "ItemAccountRef", "TaxCodeRef")
LINE_DETAIL_TYPES = (
    "SalesItemLineDetail",
    "DiscountLineDetail",
    "DescriptionOnly",
    "GroupLineDetail",
    "SubTotalLineDetail",
)
_STOCK_DIRECTION = {"Invoice": -1, "SalesReceipt": -1, "CreditMemo": 1, "RefundReceipt": 1}


class SalesFormHandler(Handler):
    order = SALES_ORDER

    def __init__(self, entity: str) -> None:
        self.entity = entity

    # --- building the record -------------------------------------------------------------

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        check_lengths(spec, record)
        if isinstance(record.get("CustomerMemo"), dict):
            check_length("CustomerMemo.value", record["CustomerMemo"].get("value"), 1000)
        txn_date = prepare_transaction_header(spec, record, existing=existing, ctx=ctx)
        required = self.entity in ("Invoice", "Estimate", "CreditMemo")
        customer = resolve_ref(ctx, record, "CustomerRef", "Customer", required=required)
        resolve_top_level_refs(ctx, spec, record)
        lines, subtotal, taxable, discount = self._lines(ctx, record, existing, customer)
        record["Line"] = lines
        record["TxnTaxDetail"], total_tax = tax_detail(ctx, record, taxable)
        total = round_money(subtotal - discount + total_tax)
        record["TotalAmt"] = money_json(total)
        if customer is not None:
            for key in ("BillAddr", "ShipAddr"):
                if key not in record and isinstance(customer.get(key), dict):
                    record[key] = copy.deepcopy(customer[key])
        record.setdefault("ApplyTaxAfterDiscount", False)
        self._defaults(record, existing, ctx, customer, total)
        if self.entity in ("Invoice", "Estimate") and "DueDate" not in record:
            term = self._term(ctx, record, customer)
            record["DueDate"] = due_date(txn_date, term).isoformat()
        return ordered(record, self.order)

    def _defaults(
        self,
        record: Record,
        existing: Record | None,
        ctx: WriteContext,
        customer: Record | None,
        total: Decimal,
    ) -> None:
        if self.entity == "Invoice":
            for flag in SALES_ORDER[:4]:
                record.setdefault(flag, False)
            record["LinkedTxn"] = _invoice_links(record, existing)
            record.setdefault("PrintStatus", "NeedToPrint")
            record.setdefault("EmailStatus", "NotSet")
            paid = ZERO
            if existing is not None:
                paid = to_decimal(existing.get("TotalAmt", 0), "TotalAmt") - to_decimal(
                    existing.get("Balance", 0), "Balance"
                )
            record["Balance"] = money_json(total - paid)
        elif self.entity in ("SalesReceipt", "RefundReceipt"):
            record.setdefault("PrintStatus", "NotSet")
            record.setdefault("EmailStatus", "NotSet")
            record["Balance"] = 0
            if "DepositToAccountRef" not in record:
                account = undeposited_funds(ctx.reader)
                if account is not None:
                    record["DepositToAccountRef"] = {
                        "value": account["Id"],
                        "name": account["Name"],
                    }
        elif self.entity == "Estimate":
            record.setdefault("TxnStatus", "Pending")
            record.setdefault("PrintStatus", "NeedToPrint")
            record.setdefault("EmailStatus", "NotSet")
        elif self.entity == "CreditMemo":
            record["RemainingCredit"] = money_json(total)
            record["Balance"] = 0

    @staticmethod
    def _term(ctx: WriteContext, record: Record, customer: Record | None) -> Record | None:
        if "SalesTermRef" in record:
            return ctx.reader.get("Term", record["SalesTermRef"]["value"])
        ref = (customer or {}).get("SalesTermRef")
        if not isinstance(ref, dict):
            ref = (ctx.preferences().get("SalesFormsPrefs") or {}).get("DefaultTerms")
        return ctx.reader.get("Term", str(ref.get("value"))) if isinstance(ref, dict) else None

    def _lines(
        self, ctx: WriteContext, record: Record, existing: Record | None, customer: Record | None
    ) -> tuple[list[Record], Decimal, Decimal, Decimal]:
        content = [
            line for line in require_lines(record) if line.get("DetailType") != "SubTotalLineDetail"
        ]
        if not content:
            raise errors.required_missing("Line")
        ids = line_ids(content, existing)
        items: list[Record] = []
        discounts: list[Record] = []
        subtotal = taxable = discount = ZERO
        customer_taxable = customer is None or customer.get("Taxable") is not False
        for number, (line, line_id) in enumerate(zip(content, ids, strict=True), start=1):
            detail_type = line.get("DetailType")
            if detail_type is None:
                raise errors.required_missing("Line.DetailType")
            if detail_type not in LINE_DETAIL_TYPES:
                raise errors.invalid_enumeration("Line.DetailType", detail_type, LINE_DETAIL_TYPES)
            check_length("Line.Description", line.get("Description"), 4000)
            detail = dict(line.get(detail_type) or {})
            if detail_type == "SalesItemLineDetail":
                amount, is_taxable = _item_line(ctx, line, detail, customer_taxable)
                subtotal += amount
                taxable += amount if is_taxable else ZERO
            elif detail_type == "DiscountLineDetail":
                amount = _discount_amount(line, detail, subtotal)
                discount += amount
            elif detail_type == "GroupLineDetail":
                amount = to_decimal(line.get("Amount", 0), "Line.Amount")
                subtotal += amount
            else:  # DescriptionOnly
                amount = to_decimal(line.get("Amount", 0), "Line.Amount")
            built: Record = {"Id": line_id, "LineNum": number}
            if "Description" in line:
                built["Description"] = line["Description"]
            built["Amount"] = money_json(amount)
            built["DetailType"] = detail_type
            built[detail_type] = detail
            for key, value in line.items():
                if key not in built and key not in ("LineNum", "Amount"):
                    built[key] = value
            (discounts if detail_type == "DiscountLineDetail" else items).append(built)
        subtotal_line = {
            "Amount": money_json(subtotal),
            "DetailType": "SubTotalLineDetail",
            "SubTotalLineDetail": {},
        }
        return [*items, subtotal_line, *discounts], subtotal, taxable, discount

    # --- derived changes -------------------------------------------------------------------

    def effects(self, record: Record, reader: Reader) -> list[Effect]:
        result: list[Effect] = []
        customer = record.get("CustomerRef")
        total = to_decimal(record.get("TotalAmt", 0), "TotalAmt")
        if isinstance(customer, dict) and self.entity in ("Invoice", "CreditMemo"):
            sign = 1 if self.entity == "Invoice" else -1
            result.append(Delta("Customer", str(customer["value"]), "Balance", sign * total))
        direction = _STOCK_DIRECTION.get(self.entity)
        if direction is not None:
            result.extend(stock_moves(record, reader, "SalesItemLineDetail", direction))
        return result

    def inventory_lines(self, record: Record) -> list[tuple[str, str]]:
        return item_refs(record, "SalesItemLineDetail")

    def void(self, record: Record) -> Record:
        voided = copy.deepcopy(record)
        for line in voided.get("Line") or []:
            line["Amount"] = 0
        tax = voided.get("TxnTaxDetail") or {}
        voided["TxnTaxDetail"] = {k: v for k, v in tax.items() if k == "TxnTaxCodeRef"}
        voided["TxnTaxDetail"]["TotalTax"] = 0
        voided["TotalAmt"] = 0
        if "Balance" in voided:
            voided["Balance"] = 0
        voided["PrivateNote"] = "Voided"
        return ordered(voided, self.order)


def _item_line(
    ctx: WriteContext, line: Record, detail: Record, customer_taxable: bool
) -> tuple[Decimal, bool]:
    element = "Line.SalesItemLineDetail.ItemRef"
    item = resolve_ref(ctx, detail, "ItemRef", "Item", element=element, required=True)
    assert item is not None
    qty = optional_decimal(detail.get("Qty"), "Line.SalesItemLineDetail.Qty")
    price = optional_decimal(detail.get("UnitPrice"), "Line.SalesItemLineDetail.UnitPrice")
    if qty is not None and price is not None:
        amount = round_money(qty * price)
    elif "Amount" in line:
        amount = to_decimal(line["Amount"], "Line.Amount")
    else:
        raise errors.required_missing("Line.Amount")
    if "TaxCodeRef" in detail:
        resolve_tax_code(ctx, detail, "Line.TaxCodeRef")
    else:
        taxable = item.get("Taxable") is True and customer_taxable
        detail["TaxCodeRef"] = {"value": "TAX" if taxable else "NON"}
    ordered_detail = ordered(detail, _ITEM_DETAIL_ORDER)
    detail.clear()
    detail.update(ordered_detail)
    return amount, detail["TaxCodeRef"]["value"] == "TAX"


def _discount_amount(line: Record, detail: Record, subtotal: Decimal) -> Decimal:
    if detail.get("PercentBased") is True and "DiscountPercent" in detail:
        percent = to_decimal(detail["DiscountPercent"], "Line.DiscountLineDetail.DiscountPercent")
        return round_money(subtotal * percent / 100)
    if "Amount" not in line:
        raise errors.required_missing("Line.Amount")
    return to_decimal(line["Amount"], "Line.Amount")


def tax_detail(ctx: WriteContext, record: Record, taxable: Decimal) -> tuple[Record, Decimal]:
    """``TxnTaxDetail`` for ``taxable`` and the tax it adds (rounded half-up per rate)."""
    given = record.get("TxnTaxDetail")
    given = given if isinstance(given, dict) else {}
    code_ref = given.get("TxnTaxCodeRef")
    tax_prefs = ctx.preferences().get("TaxPrefs") or {}
    if code_ref is None and tax_prefs.get("UsingSalesTax"):
        default = tax_prefs.get("TaxGroupCodeRef")
        # The company default only applies when that tax code exists (a bare company has none).
        if isinstance(default, dict) and ctx.reader.get("TaxCode", str(default.get("value"))):
            code_ref = default
    if not isinstance(code_ref, dict) or taxable == 0:
        detail: Record = {"TxnTaxCodeRef": code_ref} if "TxnTaxCodeRef" in given else {}
        detail["TotalTax"] = 0
        return detail, ZERO
    holder = {"TxnTaxCodeRef": code_ref}
    element = "TxnTaxDetail.TxnTaxCodeRef"
    code = resolve_ref(ctx, holder, "TxnTaxCodeRef", "TaxCode", element=element, with_name=False)
    assert code is not None
    tax_lines: list[Record] = []
    total_tax = ZERO
    rate_list = (code.get("SalesTaxRateList") or {}).get("TaxRateDetail") or []
    for rate_detail in rate_list:
        rate_id = ref_id(rate_detail.get("TaxRateRef"), "TaxRateRef")
        rate = ctx.reader.get("TaxRate", rate_id)
        if rate is None:
            continue
        percent = to_decimal(rate.get("RateValue", 0), "RateValue")
        amount = round_money(taxable * percent / 100)
        total_tax += amount
        tax_lines.append(
            {
                "Amount": money_json(amount),
                "DetailType": "TaxLineDetail",
                "TaxLineDetail": {
                    "TaxRateRef": {"value": rate_id},
                    "PercentBased": True,
                    "TaxPercent": rate.get("RateValue", 0),
                    "NetAmountTaxable": money_json(taxable),
                },
            }
        )
    detail = {"TxnTaxCodeRef": {"value": holder["TxnTaxCodeRef"]["value"]}}
    detail["TotalTax"] = money_json(total_tax)
    detail["TaxLine"] = tax_lines
    return detail, total_tax


def _invoice_links(record: Record, existing: Record | None) -> list[Any]:
    """Payment links are the server's; other links (e.g. an estimate) come from the request."""
    given = [
        link
        for link in record.get("LinkedTxn") or []
        if isinstance(link, dict) and link.get("TxnType") != "Payment"
    ]
    kept = [
        link
        for link in (existing or {}).get("LinkedTxn") or []
        if isinstance(link, dict) and link.get("TxnType") == "Payment"
    ]
    return [*given, *kept]


def undeposited_funds(reader: Reader) -> Record | None:
    for account in reader.values("Account"):
        if account.get("AccountSubType") == "UndepositedFunds" and account.get("Active", True):
            return account
    return None


def item_refs(record: Record, detail_type: str) -> list[tuple[str, str]]:
    refs = []
    for line in record.get("Line") or []:
        detail = line.get(detail_type) if isinstance(line, dict) else None
        ref = detail.get("ItemRef") if isinstance(detail, dict) else None
        if isinstance(ref, dict) and ref.get("value") is not None:
            refs.append((str(ref["value"]), f"Line.{detail_type}.ItemRef"))
    return refs


def stock_moves(record: Record, reader: Reader, detail_type: str, direction: int) -> list[Effect]:
    """QtyOnHand changes for the inventory items on a transaction's lines."""
    moves: list[Effect] = []
    for line in record.get("Line") or []:
        detail = line.get(detail_type) if isinstance(line, dict) else None
        if not isinstance(detail, dict) or detail.get("Qty") is None:
            continue
        ref = detail.get("ItemRef") or {}
        item = reader.get("Item", str(ref.get("value")))
        if item is None or item.get("Type") != "Inventory":
            continue
        qty = to_decimal(detail["Qty"], f"Line.{detail_type}.Qty")
        moves.append(Delta("Item", item["Id"], "QtyOnHand", direction * qty))
    return moves
