"""The payments section: customer payments on invoices (pull)."""

from __future__ import annotations

from acctivate_qbo_plugin.sections.base import Direction, Section
from acctivate_qbo_plugin.sections.context import SectionContext


class PaymentsSection(Section):
    name = "payments"
    direction = Direction.PULL
    qbo_entities = ("Payment",)
    host_side = "customer payments on invoices"
    prerequisites = ("customers", "invoices")

    def sync(self, ctx: SectionContext) -> None:
        raise NotImplementedError("the payments section arrives with issue 4")
