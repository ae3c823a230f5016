"""Payment: applied to invoices through ``Line[].LinkedTxn``; moves their Balance."""

from __future__ import annotations

import copy
from decimal import Decimal

from acctivate_qbo_plugin.sandbox import errors
from acctivate_qbo_plugin.sandbox.effects import Delta, Effect, Link
from acctivate_qbo_plugin.sandbox.entities import EntitySpec
from acctivate_qbo_plugin.sandbox.handlers_base import (
    SERVER_KEYS,
    Handler,
    ordered,
    prepare_transaction_header,
)
from acctivate_qbo_plugin.sandbox.handlers_sales import undeposited_funds
from acctivate_qbo_plugin.sandbox.money import ZERO, money_json, to_decimal
from acctivate_qbo_plugin.sandbox.store import Reader, Record
from acctivate_qbo_plugin.sandbox.validation import (
    WriteContext,
    check_lengths,
    optional_bool,
    ref_id,
    resolve_ref,
    resolve_top_level_refs,
)


class PaymentHandler(Handler):
    order = (
        "CustomerRef",
        "DepositToAccountRef",
        "PaymentMethodRef",
        "PaymentRefNum",
        "TotalAmt",
        "UnappliedAmt",
        "ProcessPayment",
        *SERVER_KEYS,
        "DocNumber",
        "TxnDate",
        "CurrencyRef",
        "PrivateNote",
        "LinkedTxn",
        "Line",
    )

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        check_lengths(spec, record)
        prepare_transaction_header(spec, record, existing=existing, ctx=ctx)
        customer = resolve_ref(ctx, record, "CustomerRef", "Customer", required=True)
        assert customer is not None
        resolve_top_level_refs(ctx, spec, record)
        if "TotalAmt" not in record:
            raise errors.required_missing("TotalAmt")
        total = to_decimal(record["TotalAmt"], "TotalAmt")
        if total < 0:
            raise errors.business_validation("a payment's TotalAmt cannot be negative", "TotalAmt")
        lines = record.get("Line") or []
        if not isinstance(lines, list):
            raise errors.invalid_value("Line", lines, "java.util.List<Line>")
        applied = ZERO
        built_lines = []
        for line in lines:
            built, amount = self._line(ctx, line, customer, existing)
            applied += amount
            built_lines.append(built)
        if applied > total:
            raise errors.business_validation(
                f"the payment applies {applied} to invoices but its TotalAmt is {total}; "
                "raise TotalAmt or apply less",
                "TotalAmt",
            )
        record["Line"] = built_lines
        record["TotalAmt"] = money_json(total)
        record["UnappliedAmt"] = money_json(total - applied)
        record["ProcessPayment"] = optional_bool(
            record.get("ProcessPayment"), "ProcessPayment", False
        )
        record.setdefault("LinkedTxn", [])
        if "DepositToAccountRef" not in record:
            account = undeposited_funds(ctx.reader)
            if account is not None:
                record["DepositToAccountRef"] = {"value": account["Id"]}
        return ordered(record, self.order)

    @staticmethod
    def _line(
        ctx: WriteContext, line: object, customer: Record, existing: Record | None
    ) -> tuple[Record, Decimal]:
        if not isinstance(line, dict):
            raise errors.invalid_value("Line", line, "Line")
        if "Amount" not in line:
            raise errors.required_missing("Line.Amount")
        amount = to_decimal(line["Amount"], "Line.Amount")
        links = line.get("LinkedTxn")
        if not isinstance(links, list) or not links:
            raise errors.required_missing("Line.LinkedTxn")
        for link in links:
            if not isinstance(link, dict) or not link.get("TxnId") or not link.get("TxnType"):
                raise errors.required_missing("Line.LinkedTxn.TxnId")
            if link["TxnType"] != "Invoice":
                continue
            invoice_id = str(link["TxnId"])
            invoice = ctx.reader.get("Invoice", invoice_id)
            if invoice is None:
                raise errors.invalid_reference("Line.LinkedTxn.TxnId", invoice_id, "Invoice")
            owner = ref_id(invoice.get("CustomerRef"), "CustomerRef")
            if owner != customer["Id"]:
                raise errors.business_validation(
                    f"invoice {invoice_id} belongs to another customer; a payment can only be "
                    "applied to its own customer's invoices",
                    "Line.LinkedTxn",
                )
            open_balance = to_decimal(invoice.get("Balance", 0), "Balance")
            open_balance += _applied_before(existing, invoice_id)
            if amount > open_balance:
                raise errors.business_validation(
                    f"the amount {amount} applied to invoice {invoice_id} exceeds its open "
                    f"balance {open_balance}",
                    "Line.Amount",
                )
        built = {"Amount": money_json(amount), **{k: v for k, v in line.items() if k != "Amount"}}
        return built, amount

    def effects(self, record: Record, reader: Reader) -> list[Effect]:
        result: list[Effect] = []
        customer = record.get("CustomerRef") or {}
        total = to_decimal(record.get("TotalAmt", 0), "TotalAmt")
        result.append(Delta("Customer", str(customer.get("value")), "Balance", -total))
        for invoice_id, amount in _applications(record):
            result.append(Delta("Invoice", invoice_id, "Balance", -amount))
            result.append(Link("Invoice", invoice_id, record["Id"], "Payment"))
        return result

    def void(self, record: Record) -> Record:
        voided = copy.deepcopy(record)
        for line in voided.get("Line") or []:
            line["Amount"] = 0
        voided["TotalAmt"] = 0
        voided["UnappliedAmt"] = 0
        voided["PrivateNote"] = "Voided"
        return ordered(voided, self.order)


def _applications(record: Record | None) -> list[tuple[str, Decimal]]:
    result = []
    for line in (record or {}).get("Line") or []:
        for link in line.get("LinkedTxn") or []:
            if link.get("TxnType") == "Invoice":
                result.append((str(link["TxnId"]), to_decimal(line.get("Amount", 0), "Amount")))
                break
    return result


def _applied_before(existing: Record | None, invoice_id: str) -> Decimal:
    return sum((amount for iid, amount in _applications(existing) if iid == invoice_id), ZERO)
