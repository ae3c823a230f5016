"""What a section is: a small declared class; the engine owns the loop, results and sync times."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from acctivate_qbo_plugin.sections.context import SectionContext

__all__ = ["Direction", "Section"]


class Direction(StrEnum):
    PULL = "qbo_to_host"
    PUSH = "host_to_qbo"
    BOTH = "both_ways"

    @property
    def pulls(self) -> bool:
        """Brings QBO changes into the host."""
        return self in (Direction.PULL, Direction.BOTH)

    @property
    def pushes(self) -> bool:
        """Sends host changes to QBO."""
        return self in (Direction.PUSH, Direction.BOTH)


class Section:
    """One sync section, declared by its class attributes.

    A subclass sets ``name``, ``direction``, ``qbo_entities``, ``host_side`` and
    ``prerequisites`` and implements :meth:`sync`, which reviews everything changed since
    ``ctx.since`` on the sides it touches and reports through ``ctx`` (counts, progress,
    warnings, errors). It never writes its sync time and never decides its outcome: the engine
    does both from what it reported.
    """

    name: ClassVar[str]
    direction: ClassVar[Direction]
    qbo_entities: ClassVar[tuple[str, ...]] = ()
    host_side: ClassVar[str] = ""
    prerequisites: ClassVar[tuple[str, ...]] = ()
    """Sections that must run first in the same run (e.g. invoices need customers and items)."""

    def sync(self, ctx: SectionContext) -> None:
        raise NotImplementedError(f"section {self.name!r} does not implement sync()")

    def __repr__(self) -> str:
        return f"<section {self.name} ({self.direction.value})>"
