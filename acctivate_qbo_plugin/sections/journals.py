"""The journals section: inventory GL journals (push)."""

from __future__ import annotations

from acctivate_qbo_plugin.sections.base import Direction, Section
from acctivate_qbo_plugin.sections.context import SectionContext


class JournalsSection(Section):
    name = "journals"
    direction = Direction.PUSH
    qbo_entities = ("JournalEntry",)
    host_side = "inventory GL journals"
    prerequisites = ("accounts",)

    def sync(self, ctx: SectionContext) -> None:
        raise NotImplementedError("the journals section arrives with issue 4")
