"""Small frozen envelopes around QBO results; entities themselves stay plain dicts.

Every envelope carries ``time``: the server's clock when it *started* processing the request,
as an aware datetime with the company's offset. Sections use it (never the local clock) as the
start of the next watermark window.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from acctivate_qbo_plugin.qbo.errors import QboError

__all__ = [
    "BatchItemResult",
    "CdcResult",
    "CountResult",
    "DeleteResult",
    "DeletedStub",
    "EntityResult",
    "QueryPage",
    "QueryResult",
]

Entity = dict[str, Any]


@dataclass(frozen=True)
class EntityResult:
    """One entity returned by read, create, update, sparse update, void, preferences..."""

    entity_name: str
    entity: Entity = field(repr=False)
    time: datetime | None
    intuit_tid: str | None = None

    @property
    def id(self) -> str | None:
        value = self.entity.get("Id")
        return value if isinstance(value, str) else None

    @property
    def sync_token(self) -> str | None:
        value = self.entity.get("SyncToken")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class DeleteResult:
    """The answer to ``?operation=delete``: QBO returns only the Id and ``status: Deleted``."""

    entity_name: str
    id: str
    status: str
    time: datetime | None
    intuit_tid: str | None = None


@dataclass(frozen=True)
class QueryPage:
    """One page of ``SELECT *``. ``max_results`` is what QBO echoes: the number returned."""

    entity_name: str | None
    rows: tuple[Entity, ...] = field(repr=False)
    start_position: int | None
    max_results: int | None
    total_count: int | None
    time: datetime | None
    intuit_tid: str | None = None


@dataclass(frozen=True)
class QueryResult:
    """Every row of a paged query, each Id once in its latest version.

    ``time`` is the server time of the *first* page: every change after it may be missing or
    present, so it is the safe start of the next window.
    """

    entity_name: str
    rows: tuple[Entity, ...] = field(repr=False)
    time: datetime | None
    pages: int

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class CountResult:
    """``SELECT COUNT(*)``."""

    count: int
    time: datetime | None
    intuit_tid: str | None = None


@dataclass(frozen=True)
class DeletedStub:
    """A record deleted in QBO, as CDC reports it: only its Id and when it went."""

    entity_name: str
    id: str
    last_updated: datetime | None


@dataclass(frozen=True)
class CdcResult:
    """Changes since ``changed_since``: full entities by entity name, deletions apart.

    ``time`` is the server time of the first CDC call of the window (the safe next watermark);
    ``calls`` counts the HTTP requests the window needed after splitting.
    """

    changed: Mapping[str, tuple[Entity, ...]] = field(repr=False)
    deleted: Mapping[str, tuple[DeletedStub, ...]]
    time: datetime | None
    calls: int = 1

    def count(self) -> int:
        return sum(len(rows) for rows in self.changed.values()) + sum(
            len(stubs) for stubs in self.deleted.values()
        )


@dataclass(frozen=True)
class BatchItemResult:
    """The outcome of one batch item: an entity, a query page, a deletion, or a typed error."""

    index: int
    bid: str
    entity_name: str | None
    entity: Entity | None = field(repr=False)
    error: QboError | None = None
    query_page: QueryPage | None = None
    deleted: bool = False
    time: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
