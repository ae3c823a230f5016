"""Change Data Capture over a window, split until no response hits QBO's 1000-object cap.

CDC has no paging and only a lower bound (``changedSince``). A response holding the cap may
have dropped changes, so the window is split: first per entity, then by halving the time
range. QBO (and our sandbox) keep the *oldest* changes of an over-full response, so a piece
``[a, b)`` is complete once the answer for ``changedSince=a`` is under the cap or already
reaches ``b``; the left half of a split reuses that answer, only the right half costs a call.
A single second holding more than the cap cannot be split further; it is read with a paged
query instead (live records only: deletions of that one second cannot be recovered and are
logged).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from acctivate_qbo_plugin.qbo.paging import last_updated, row_version
from acctivate_qbo_plugin.qbo.parsing import CdcReply
from acctivate_qbo_plugin.qbo.redaction import get_logger
from acctivate_qbo_plugin.qbo.results import CdcResult, DeletedStub, Entity
from acctivate_qbo_plugin.qbo.timestamps import ONE_SECOND

__all__ = ["CdcWindow"]

_log = get_logger("acctivate_qbo_plugin.qbo.cdc")
# A deletion outranks any live version stamped in the same second: Ids are never reused.
_DELETED_RANK = 2**62

FetchCdc = Callable[[Sequence[str], datetime], CdcReply]
QueryWindow = Callable[[str, datetime, datetime], Sequence[Entity]]


class CdcWindow:
    """Collects every change of ``entities`` since ``since`` through ``fetch``.

    :param fetch: one CDC HTTP call for some entities since an instant.
    :param query_window: paged query of one entity over ``[start, end)`` for crowded seconds.
    :param cap: QBO's per-response object cap (1000).
    """

    def __init__(self, fetch: FetchCdc, query_window: QueryWindow, *, cap: int = 1000) -> None:
        self._fetch = fetch
        self._query_window = query_window
        self._cap = cap
        self.calls = 0
        self._latest: dict[tuple[str, str], tuple[tuple[float, int], Entity | DeletedStub]] = {}

    def _call(self, entities: Sequence[str], since: datetime) -> CdcReply:
        self.calls += 1
        return self._fetch(entities, since)

    def collect(self, entities: Sequence[str], since: datetime) -> CdcResult:
        first = self._call(entities, since)
        self._merge(first)
        if first.object_count >= self._cap:
            end = self._window_end(first, since)
            for entity in entities:
                reply = first if len(entities) == 1 else self._call([entity], since)
                if len(entities) > 1:
                    self._merge(reply)
                self._cover(entity, since, end, reply)
        return self._result(entities, first.time)

    @staticmethod
    def _window_end(first: CdcReply, since: datetime) -> datetime:
        """One second past the first answer's server time: later changes are the next window's."""
        stamps = [first.time] if first.time is not None else []
        stamps += [row_time for row_time in _times(first) if row_time is not None]
        latest = max(stamps, default=since)
        return latest.replace(microsecond=0) + ONE_SECOND

    def _cover(self, entity: str, start: datetime, end: datetime, reply: CdcReply) -> None:
        """Make ``[start, end)`` complete for ``entity``; ``reply`` answered ``since=start``."""
        if reply.object_count < self._cap:
            return
        newest = max((t for t in _times(reply, entity) if t is not None), default=None)
        if newest is not None and newest >= end:
            return
        if end - start <= ONE_SECOND:
            self._crowded_second(entity, start, end)
            return
        middle = (start + (end - start) / 2).replace(microsecond=0)
        if middle <= start:
            middle = start + ONE_SECOND
        self._cover(entity, start, middle, reply)
        right = self._call([entity], middle)
        self._merge(right)
        self._cover(entity, middle, end, right)

    def _crowded_second(self, entity: str, start: datetime, end: datetime) -> None:
        _log.warning(
            "CDC: %s has %d or more changes within %s..%s; reading them with a query "
            "(deletions in that second cannot be seen)",
            entity,
            self._cap,
            start.isoformat(),
            end.isoformat(),
        )
        for row in self._query_window(entity, start, end):
            self._keep(entity, row)

    def _merge(self, reply: CdcReply) -> None:
        for entity, rows in reply.changed.items():
            for row in rows:
                self._keep(entity, row)
        for entity, stubs in reply.deleted.items():
            for stub in stubs:
                stamp = stub.last_updated.timestamp() if stub.last_updated else float("-inf")
                self._offer((entity, stub.id), (stamp, _DELETED_RANK), stub)

    def _keep(self, entity: str, row: Entity) -> None:
        entity_id = row.get("Id")
        if isinstance(entity_id, str):
            self._offer((entity, entity_id), row_version(row), row)

    def _offer(
        self, key: tuple[str, str], version: tuple[float, int], item: Entity | DeletedStub
    ) -> None:
        known = self._latest.get(key)
        if known is None or known[0] < version:
            self._latest[key] = (version, item)

    def _result(self, entities: Sequence[str], time: datetime | None) -> CdcResult:
        changed: dict[str, list[Entity]] = {entity: [] for entity in entities}
        deleted: dict[str, list[DeletedStub]] = {entity: [] for entity in entities}
        for (entity, _), (_, item) in sorted(self._latest.items(), key=lambda kv: kv[1][0]):
            if isinstance(item, DeletedStub):
                deleted.setdefault(entity, []).append(item)
            else:
                changed.setdefault(entity, []).append(item)
        return CdcResult(
            changed={entity: tuple(rows) for entity, rows in changed.items()},
            deleted={entity: tuple(stubs) for entity, stubs in deleted.items()},
            time=time,
            calls=self.calls,
        )


def _times(reply: CdcReply, entity: str | None = None) -> list[datetime | None]:
    """Last-updated instants of every object in ``reply`` (of one entity, if given)."""
    stamps: list[datetime | None] = []
    for name, rows in reply.changed.items():
        if entity is None or name == entity:
            stamps.extend(last_updated(row) for row in rows)
    for name, stubs in reply.deleted.items():
        if entity is None or name == entity:
            stamps.extend(stub.last_updated for stub in stubs)
    return stamps
