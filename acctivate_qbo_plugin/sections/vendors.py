"""The vendors section: QBO's vendors into the host (QBO owns them)."""

from __future__ import annotations

from typing import Any

from acctivate_qbo_plugin.sections.pull import PullSection, PullUnit
from acctivate_qbo_plugin.sections.support import (
    References,
    flag,
    nested_text,
    ref_value,
    text,
)


def vendor_fields(entity: dict[str, Any], refs: References) -> dict[str, Any]:
    return {
        "name": text(entity, "DisplayName", required=True),
        "company": text(entity, "CompanyName"),
        "email": nested_text(entity, "PrimaryEmailAddr", "Address"),
        "phone": nested_text(entity, "PrimaryPhone", "FreeFormNumber"),
        "vendor_no": text(entity, "AcctNum"),
        "terms_key": refs.host_key("terms", ref_value(entity, "TermRef")),
        "active": flag(entity, "Active", True),
    }


VENDORS = PullUnit(
    qbo_entity="Vendor",
    kind="vendor",
    to_host=vendor_fields,
    name=lambda e: str(e.get("DisplayName") or ""),
    label="vendor",
)


class VendorsSection(PullSection):
    name = "vendors"
    qbo_entities = ("Vendor",)
    host_side = "vendors"
    prerequisites = ("code_tables",)
    units = (VENDORS,)
