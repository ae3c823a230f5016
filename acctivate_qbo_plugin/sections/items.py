"""The items section: products (push)."""

from __future__ import annotations

from acctivate_qbo_plugin.sections.base import Direction, Section
from acctivate_qbo_plugin.sections.context import SectionContext


class ItemsSection(Section):
    name = "items"
    direction = Direction.PUSH
    qbo_entities = ("Item",)
    host_side = "products"
    prerequisites = ("accounts",)

    def sync(self, ctx: SectionContext) -> None:
        raise NotImplementedError("the items section arrives with issue 4")
