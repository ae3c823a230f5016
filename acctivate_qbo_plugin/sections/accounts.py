"""The accounts section: chart of accounts (pull)."""

from __future__ import annotations

from acctivate_qbo_plugin.sections.base import Direction, Section
from acctivate_qbo_plugin.sections.context import SectionContext


class AccountsSection(Section):
    name = "accounts"
    direction = Direction.PULL
    qbo_entities = ("Account",)
    host_side = "chart of accounts"
    prerequisites = ()

    def sync(self, ctx: SectionContext) -> None:
        raise NotImplementedError("the accounts section arrives with issue 4")
