"""The journals section: host inventory GL journals to QBO JournalEntries (host-owned).

Errors found before sending: a journal out of balance, one dated on or before QBO's closing
date, one using an account QBO does not have. QBO's own 2300 and 6200/6210 are reported the
same way. A journal changed or deleted in QBO is sent back (unless the period is closed).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from acctivate_qbo_plugin.hostdata import HostJournal
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
    ref,
)

OUT_OF_BALANCE_FIX = (
    "Find the product classes and warehouses in this journal (Inventory Detail Journal "
    "report), correct their COGS and adjustment GL accounts in the host, then sync."
)


class JournalsSection(PushSection):
    name = "journals"
    qbo_entities = ("JournalEntry",)
    host_side = "inventory GL journals"
    prerequisites = ("accounts",)
    kind = "journal"
    qbo_entity = "JournalEntry"
    dated = True

    def build(self, record: HostJournal, refs: References, ctx: SectionContext) -> dict[str, Any]:
        label = record.label
        debits = sum((line.debit for line in record.lines), Decimal("0"))
        credits = sum((line.credit for line in record.lines), Decimal("0"))
        if not record.lines or debits != credits:
            raise RecordProblem(
                f"journal {record.number} is out of balance: debits {debits:.2f}, credits "
                f"{credits:.2f} (difference {debits - credits:.2f})",
                code="out_of_balance",
                fix_hint=OUT_OF_BALANCE_FIX,
            )
        lines = []
        for number, line in enumerate(record.lines, start=1):
            if (line.debit > 0) == (line.credit > 0) or line.debit < 0 or line.credit < 0:
                raise RecordProblem(
                    f"{label} line {number} must have either a debit or a credit, both positive",
                    code="bad_line",
                    fix_hint="Correct the journal line in the host, then sync.",
                )
            account_id = refs.get("account", line.account_key)
            if account_id is None:
                raise RecordProblem(
                    f"{label} uses {ctx.services.host.describe('account', line.account_key)}, "
                    "which is not in QuickBooks",
                    code="invalid_account",
                    fix_hint="Accounts come from QuickBooks: create the account there (or "
                    "pick an existing one on the journal's product class), sync, then sync the "
                    "journal.",
                )
            posting = "Debit" if line.debit > 0 else "Credit"
            amount = line.debit if line.debit > 0 else line.credit
            detail: dict[str, Any] = {"PostingType": posting, "AccountRef": ref(account_id)}
            entity = self._entity(refs, line.customer_key, line.vendor_key)
            if entity:
                detail["Entity"] = entity
            entry: dict[str, Any] = {
                "Amount": cents(amount, f"a line {number} amount", label),
                "DetailType": "JournalEntryLineDetail",
                "JournalEntryLineDetail": detail,
            }
            memo = clean_text(line.memo, "line memo", label, limit=4000)
            if memo:
                entry["Description"] = memo
            lines.append(entry)
        payload: dict[str, Any] = {
            "DocNumber": clean_text(record.number, "number", label, limit=MAX_DOC_NUMBER),
            "TxnDate": record.date.isoformat(),
            "Line": lines,
        }
        memo = clean_text(record.memo, "memo", label, limit=MAX_NOTE)
        if memo:
            payload["PrivateNote"] = memo
        return payload

    @staticmethod
    def _entity(
        refs: References, customer_key: str | None, vendor_key: str | None
    ) -> dict[str, Any] | None:
        if customer_key is not None and (qbo_id := refs.get("customer", customer_key)):
            return {"Type": "Customer", "EntityRef": ref(qbo_id)}
        if vendor_key is not None and (qbo_id := refs.get("vendor", vendor_key)):
            return {"Type": "Vendor", "EntityRef": ref(qbo_id)}
        return None

    def describe_qbo_edit(
        self, record: HostJournal, payload: dict[str, Any], entity: dict[str, Any]
    ) -> list[str]:
        ours = [(line["JournalEntryLineDetail"], line["Amount"]) for line in payload["Line"]]
        theirs = []
        for line in entity.get("Line") or []:
            if isinstance(line, dict) and isinstance(line.get("JournalEntryLineDetail"), dict):
                detail = line["JournalEntryLineDetail"]
                theirs.append(
                    (
                        detail.get("PostingType"),
                        (detail.get("AccountRef") or {}).get("value"),
                        as_decimal(line.get("Amount")),
                    )
                )
        mine = [(d["PostingType"], d["AccountRef"]["value"], Decimal(str(a))) for d, a in ours]
        changes = []
        if sorted(mine, key=str) != sorted(theirs, key=str):
            changes.append("its lines (accounts or amounts) changed in QuickBooks")
        if entity.get("TxnDate") not in (None, payload["TxnDate"]):
            changes.append(
                f"the date changed from {payload['TxnDate']} in the host to "
                f"{entity.get('TxnDate')} in QuickBooks"
            )
        return changes
