"""What the transaction sections share: comparing a QBO-edited document with the host's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from acctivate_qbo_plugin.sections.support import as_decimal

__all__ = ["describe_changes", "line_total"]


def line_total(entity: dict[str, Any], detail_type: str) -> Decimal | None:
    """The sum of a QBO document's lines of one kind (leaving out the subtotal and tax lines
    QBO adds), or None when the lines cannot be read."""
    lines = entity.get("Line")
    if not isinstance(lines, list):
        return None
    total = Decimal("0")
    for line in lines:
        if isinstance(line, dict) and line.get("DetailType") == detail_type:
            amount = as_decimal(line.get("Amount"))
            if amount is None:
                return None
            total += amount
    return total


def describe_changes(
    *,
    amount: tuple[Decimal, Decimal | None],
    party: tuple[str, str | None, str | None],
    when: tuple[Any, Any],
) -> list[str]:
    """Acctivate's wording: "the amount changed from 100.00 in the host to 120.00 in
    QuickBooks"; only what differs."""
    changes = []
    ours, theirs = amount
    if theirs is not None and theirs != ours:
        changes.append(
            f"the amount changed from {ours:.2f} in the host to {theirs:.2f} in QuickBooks"
        )
    what, our_party, their_party = party
    if their_party is not None and their_party != our_party:
        changes.append(f"the {what} changed in QuickBooks")
    our_date, their_date = when
    if their_date is not None and their_date != our_date:
        changes.append(
            f"the date changed from {our_date} in the host to {their_date} in QuickBooks"
        )
    return changes
