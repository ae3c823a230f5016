"""The QBO reads a run's sections share, made once per run, all at the same time.

Each section would otherwise ask QBO for its own changes (a CDC call each), the Preferences
(the closing date) and, for code tables, the tax codes CDC does not cover: one request after
another, each a round trip. A run instead makes, the first time any section asks:

- one CDC call for every CDC entity of the run's sections, from the oldest of their QBO sync
  times (a section reviewing a little more than it needs costs nothing: an unchanged record
  is recognised by its SyncToken);
- one Preferences read;
- one paged query per entity CDC does not cover;

concurrently (QBO allows 10 requests in flight). A shared read that fails is not kept: a
section asking for changes then makes its own read (and meets the error itself if it lasts),
and the Preferences are raised to the first section that asks and read again for the next.
One passing fault must not turn every section of the run red.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from acctivate_qbo_plugin.qbo import CdcResult, QboClient, QueryResult
    from acctivate_qbo_plugin.state.store import StateStore

__all__ = ["NOT_IN_CDC", "RunReads"]

NOT_IN_CDC = frozenset({"TaxCode", "TaxRate", "TaxAgency", "JournalCode", "TimeActivity"})


@dataclass(frozen=True)
class _SharedCdc:
    start: datetime
    result: CdcResult
    entities: frozenset[str]


class RunReads:
    """One run's shared reads. ``plan`` is (section, its QBO entities) in run order."""

    def __init__(
        self,
        qbo: Callable[[], QboClient],
        store: StateStore,
        plan: Sequence[tuple[str, Sequence[str]]],
    ) -> None:
        self._qbo = qbo
        self._store = store
        self._plan = tuple(plan)
        self._answers: dict[str, tuple[bool, Any]] | None = None

    # -- what sections ask -----------------------------------------------------------------

    def changes(self, entities: Sequence[str], since: datetime) -> CdcResult | None:
        """The shared CDC answer, if it covers ``entities`` since ``since``; else None."""
        shared: _SharedCdc | None = self._answer("cdc")
        if shared is None or since < shared.start or not set(entities) <= shared.entities:
            return None
        return shared.result

    def query(self, entity: str, since: datetime) -> QueryResult | None:
        """The shared paged query of an entity CDC does not cover, if it starts early enough."""
        shared: tuple[datetime, QueryResult] | None = self._answer(f"query:{entity}")
        if shared is None or since < shared[0]:
            return None
        return shared[1]

    def preferences(self) -> tuple[dict[str, Any], datetime | None]:
        if self._answers is not None and "preferences" not in self._answers:
            self._answers["preferences"] = (True, self._preferences())  # after a failure
        return self._answer("preferences")

    # -- reading ---------------------------------------------------------------------------

    def _answer(self, name: str) -> Any:
        if self._answers is None:
            self._answers = self._read_all()
        ok, value = self._answers.get(name, (True, None))
        if ok:
            return value
        if name == "preferences":
            del self._answers[name]  # the next section to ask reads them again
            raise value
        return None  # the section reads its own changes

    def _read_all(self) -> dict[str, tuple[bool, Any]]:
        times = self._store.sync_times()
        reads: dict[str, Callable[[], Any]] = {"preferences": self._preferences}
        cdc_entities: list[str] = []
        starts: list[datetime] = []
        query_starts: dict[str, datetime] = {}
        for section, entities in self._plan:
            since = times[section].qbo_sync_time if section in times else None
            if since is None:
                continue  # a first sync reads everything itself
            for entity in entities:
                if entity in NOT_IN_CDC:
                    query_starts[entity] = min(since, query_starts.get(entity, since))
                    continue
                if entity not in cdc_entities:
                    cdc_entities.append(entity)
                # Every section's start counts, also one whose entities another section
                # listed first: the shared read must begin early enough for each of them.
                starts.append(since)
        for entity, since in query_starts.items():
            reads[f"query:{entity}"] = _bind(self._query, entity, since)
        if cdc_entities:
            reads["cdc"] = _bind(self._cdc, cdc_entities, min(starts))
        answers: dict[str, tuple[bool, Any]] = {}
        with ThreadPoolExecutor(len(reads), thread_name_prefix="qbo-run-read") as pool:
            futures = {name: pool.submit(read) for name, read in reads.items()}
            for name, future in futures.items():
                try:
                    answers[name] = (True, future.result())
                except Exception as exc:  # dealt with when a section asks (_answer)
                    answers[name] = (False, exc)
        return answers

    def _preferences(self) -> tuple[dict[str, Any], datetime | None]:
        result = self._qbo().preferences()
        return result.entity, result.time

    def _cdc(self, entities: list[str], start: datetime) -> _SharedCdc | None:
        from acctivate_qbo_plugin.qbo import CdcWindowTooOld

        try:
            result = self._qbo().cdc(entities, start)
        except CdcWindowTooOld:
            return None  # some section is far behind: each reads its own window
        return _SharedCdc(start, result, frozenset(entities))

    def _query(self, entity: str, since: datetime) -> tuple[datetime, QueryResult]:
        return since, self._qbo().changed_since(entity, since)


def _bind(function: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    return lambda: function(*args)
