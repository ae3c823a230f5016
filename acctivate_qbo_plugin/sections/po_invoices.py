"""The po_invoices section: posted PO invoices (receipts) (push)."""

from __future__ import annotations

from acctivate_qbo_plugin.sections.base import Direction, Section
from acctivate_qbo_plugin.sections.context import SectionContext


class PoInvoicesSection(Section):
    name = "po_invoices"
    direction = Direction.PUSH
    qbo_entities = ("Bill",)
    host_side = "posted PO invoices (receipts)"
    prerequisites = ("vendors", "items")

    def sync(self, ctx: SectionContext) -> None:
        raise NotImplementedError("the po_invoices section arrives with issue 4")
