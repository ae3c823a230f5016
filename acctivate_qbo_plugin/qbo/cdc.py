"""Change Data Capture over a window, read forward until no answer hits QBO's 1000-object cap.

CDC has no paging and only a lower bound (``changedSince``). An answer holding the cap may
have dropped changes. QBO (and our sandbox) keep each entity's *oldest* changes in an
over-full answer; which entities an over-full answer of several favours is not documented,
so nothing is assumed about it. After a full answer, each entity with changes in it carries
on alone from its newest change's second (that second may have been cut, so it is read again
and the copies merged), until an answer is under the cap or reaches the window's end; the
entities with none in it are asked again together, since they may have been crowded out.
That is about one call per thousand changes. A single second holding more than the cap
cannot be stepped over; it is read with a paged query instead (live records only: deletions
of that one second cannot be recovered and are logged).
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
        self._complete(list(entities), since, self._window_end(first, since), first)
        return self._result(entities, first.time)

    @staticmethod
    def _window_end(first: CdcReply, since: datetime) -> datetime:
        """One second past the first answer's server time: later changes are the next window's."""
        stamps = [first.time] if first.time is not None else []
        stamps += [row_time for row_time in _times(first) if row_time is not None]
        latest = max(stamps, default=since)
        return latest.replace(microsecond=0) + ONE_SECOND

    def _complete(
        self, entities: list[str], start: datetime, end: datetime, reply: CdcReply
    ) -> None:
        """Make ``[start, end)`` complete for ``entities``; ``reply`` answered them ``since=start``.

        Under the cap, the answer is complete. At the cap, each entity with changes in it
        carries on from its newest one; the entities without any may have been crowded out,
        so they are asked again, together (usually one call, under the cap)."""
        if reply.object_count < self._cap:
            return
        if len(entities) == 1:
            self._read_forward(entities[0], start, end, reply, alone=True)
            return
        busy = [e for e in entities if reply.changed.get(e) or reply.deleted.get(e)]
        if not busy:
            # A full answer with none of the asked entities in it (filed under names we did
            # not ask for): asking them together again would repeat it, so ask each alone.
            for entity in entities:
                alone = self._call([entity], start)
                self._merge(alone)
                self._complete([entity], start, end, alone)
            return
        quiet = [e for e in entities if e not in busy]
        for entity in busy:
            self._read_forward(entity, start, end, reply, alone=False)
        if quiet:
            again = self._call(quiet, start)
            self._merge(again)
            self._complete(quiet, start, end, again)

    def _read_forward(
        self, entity: str, start: datetime, end: datetime, reply: CdcReply, *, alone: bool
    ) -> None:
        """Read ``entity`` on from its newest change in ``reply`` (an answer since ``start``
        at the cap; ``alone``: of this entity only) until ``[start, end)`` is complete."""
        while not alone or reply.object_count >= self._cap:
            newest = max((t for t in _times(reply, entity) if t is not None), default=None)
            if newest is None:
                # A full answer without times cannot be stepped through: query the window.
                self._crowded(entity, start, end)
                return
            if newest >= end:
                return
            next_start = newest.replace(microsecond=0)
            if next_start <= start:
                if not alone:
                    next_start = start  # ask again for this entity alone, from the same start
                else:
                    # The whole answer is one second: more changes in it than one answer holds.
                    second = start.replace(microsecond=0)
                    self._crowded(entity, second, second + ONE_SECOND)
                    next_start = second + ONE_SECOND
                    if next_start >= end:
                        return
            start = next_start
            reply = self._call([entity], start)
            self._merge(reply)
            alone = True

    def _crowded(self, entity: str, start: datetime, end: datetime) -> None:
        _log.warning(
            "CDC: %s has %d or more changes within %s..%s; reading them with a query "
            "(deletions in that span cannot be seen)",
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
