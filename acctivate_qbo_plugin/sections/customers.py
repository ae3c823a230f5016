"""The customers section: customers (both)."""

from __future__ import annotations

from acctivate_qbo_plugin.sections.base import Direction, Section
from acctivate_qbo_plugin.sections.context import SectionContext


class CustomersSection(Section):
    name = "customers"
    direction = Direction.BOTH
    qbo_entities = ("Customer",)
    host_side = "customers"
    prerequisites = ("code_tables",)

    def sync(self, ctx: SectionContext) -> None:
        raise NotImplementedError("the customers section arrives with issue 4")
