"""The code_tables section: terms, payment methods, tax codes (pull)."""

from __future__ import annotations

from acctivate_qbo_plugin.sections.base import Direction, Section
from acctivate_qbo_plugin.sections.context import SectionContext


class CodeTablesSection(Section):
    name = "code_tables"
    direction = Direction.PULL
    qbo_entities = ("Term", "PaymentMethod", "TaxCode")
    host_side = "terms, payment methods, tax codes"
    prerequisites = ()

    def sync(self, ctx: SectionContext) -> None:
        raise NotImplementedError("the code_tables section arrives with issue 4")
