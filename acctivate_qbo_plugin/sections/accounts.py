"""The accounts section: QBO's chart of accounts into the host (QBO owns it)."""

from __future__ import annotations

from typing import Any

from acctivate_qbo_plugin.sections.pull import PullSection, PullUnit
from acctivate_qbo_plugin.sections.support import References, flag, text


def account_fields(entity: dict[str, Any], refs: References) -> dict[str, Any]:
    name = text(entity, "Name", required=True)
    return {
        "name": name,
        "full_name": text(entity, "FullyQualifiedName") or name,
        "number": text(entity, "AcctNum"),
        "account_type": text(entity, "AccountType") or "",
        "sub_type": text(entity, "AccountSubType"),
        "classification": text(entity, "Classification"),
        "active": flag(entity, "Active", True),
    }


ACCOUNTS = PullUnit(
    qbo_entity="Account",
    kind="account",
    to_host=account_fields,
    name=lambda e: str(e.get("FullyQualifiedName") or e.get("Name") or ""),
    label="account",
)


class AccountsSection(PullSection):
    name = "accounts"
    qbo_entities = ("Account",)
    host_side = "chart of accounts"
    units = (ACCOUNTS,)
