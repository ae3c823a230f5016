"""The vendors section: vendors (pull)."""

from __future__ import annotations

from acctivate_qbo_plugin.sections.base import Direction, Section
from acctivate_qbo_plugin.sections.context import SectionContext


class VendorsSection(Section):
    name = "vendors"
    direction = Direction.PULL
    qbo_entities = ("Vendor",)
    host_side = "vendors"
    prerequisites = ("code_tables",)

    def sync(self, ctx: SectionContext) -> None:
        raise NotImplementedError("the vendors section arrives with issue 4")
