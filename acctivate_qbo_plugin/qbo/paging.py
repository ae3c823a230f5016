"""Page through a query without skipping or repeating rows while records change.

Plain ``STARTPOSITION`` paging breaks when a record is updated mid-way: it leaves its place,
every later row shifts down by one, and the row that slides across the page boundary is never
seen. We page by *keyset* instead: ordered by ``Metadata.LastUpdatedTime``, each next page
starts ``>=`` the last timestamp seen. A record updated during paging moves to the end and
is met again in its newer version; rows of the boundary second are read twice and de-duplicated
by Id and version. Only when more than a page of rows share one second (the keyset cannot
move) do we fall back to offset paging inside that second, re-scanning it until a pass finds
nothing new, because a row leaving the second can shift another past our offset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime

from acctivate_qbo_plugin.qbo.query import MAX_PAGE_SIZE, Select
from acctivate_qbo_plugin.qbo.results import Entity, QueryPage
from acctivate_qbo_plugin.qbo.timestamps import ONE_SECOND, parse_entity_time

__all__ = ["LAST_UPDATED", "KeysetPager", "last_updated", "row_version"]

LAST_UPDATED = "Metadata.LastUpdatedTime"
_MAX_SECOND_PASSES = 3

Version = tuple[float, int]


def last_updated(row: Entity) -> datetime | None:
    metadata = row.get("MetaData")
    if not isinstance(metadata, dict) or "LastUpdatedTime" not in metadata:
        return None
    return parse_entity_time(metadata["LastUpdatedTime"])


def row_version(row: Entity) -> Version:
    """Order two versions of one record: last update instant, then SyncToken."""
    updated = last_updated(row)
    token = row.get("SyncToken")
    number = int(token) if isinstance(token, str) and token.isdigit() else -1
    return (updated.timestamp() if updated else float("-inf"), number)


class KeysetPager:
    """Runs the keyset paging of one base query through ``fetch`` (one HTTP query per call).

    :param fetch: runs a statement and returns its page.
    :param base: the query's entity and filters; the pager adds ordering and paging itself.
    :param since: start of the window (inclusive), or None for every row.
    """

    def __init__(
        self,
        fetch: Callable[[Select], QueryPage],
        base: Select,
        *,
        since: datetime | None = None,
        page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        if base.order_field or base.start_position is not None or base.max_results is not None:
            raise ValueError(
                "paged queries set ORDERBY, STARTPOSITION and MAXRESULTS themselves; pass the "
                "query without them"
            )
        if base.count_only:
            raise ValueError("a COUNT(*) query has no pages; use client.count()")
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}, got {page_size}")
        self._fetch = fetch
        self._base = base
        self._since = since
        self._page_size = page_size
        self._seen: dict[str, Version] = {}

    def _fresh(self, page: QueryPage) -> QueryPage:
        """The page without rows already delivered in the same or a newer version."""
        rows = []
        for row in page.rows:
            entity_id = row.get("Id")
            version = row_version(row)
            if not isinstance(entity_id, str):
                rows.append(row)
                continue
            known = self._seen.get(entity_id)
            if known is not None and known >= version:
                continue
            self._seen[entity_id] = version
            rows.append(row)
        return replace(page, rows=tuple(rows))

    def pages(self) -> Iterator[QueryPage]:
        """Yield pages of rows not delivered before (a changed record comes again, newer)."""
        cursor = self._since
        while True:
            query = self._base
            if cursor is not None:
                query = query.where(LAST_UPDATED, ">=", cursor)
            page = self._fetch(query.order_by(LAST_UPDATED).page(1, self._page_size))
            yield self._fresh(page)
            if len(page.rows) < self._page_size:
                return
            stamps = [last_updated(row) for row in page.rows]
            if any(stamp is None for stamp in stamps):
                # Rows without MetaData cannot be keyed; offset paging is all that is left.
                yield from self._offset_pages(query, start=self._page_size + 1)
                return
            last = max(stamp for stamp in stamps if stamp is not None)
            if cursor is not None and last <= cursor:
                yield from self._drain_second(cursor)
                cursor = cursor + ONE_SECOND
            else:
                cursor = last

    def _offset_pages(self, query: Select, *, start: int = 1) -> Iterator[QueryPage]:
        position = start
        while True:
            page = self._fetch(query.page(position, self._page_size))
            yield self._fresh(page)
            if len(page.rows) < self._page_size:
                return
            position += self._page_size

    def _drain_second(self, second: datetime) -> Iterator[QueryPage]:
        """Offset-page the rows of one crowded second until a pass brings nothing new."""
        query = (
            self._base.where(LAST_UPDATED, ">=", second)
            .where(LAST_UPDATED, "<", second + ONE_SECOND)
            .order_by(LAST_UPDATED)
        )
        for _ in range(_MAX_SECOND_PASSES):
            new_rows = 0
            for page in self._offset_pages(query):
                new_rows += len(page.rows)
                yield page
            if new_rows == 0:
                return
