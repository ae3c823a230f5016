"""What the sandbox was asked, for tests to count (reads are billed; throttles show storms)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass

KINDS = (
    "read",
    "query",
    "cdc",
    "batch",
    "create",
    "update",
    "delete",
    "void",
    "preferences",
    "companyinfo",
    "token",
    "authorize",
    "revoke",
    "unsupported",
)


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: str
    entity: str | None
    kind: str
    status: int
    requestid: str | None
    time: dt.datetime  # the server clock when the request arrived
    intuit_tid: str
    outcome: str  # ok, fault, throttled, injected, replayed, dropped, unauthorized
    faults: tuple[str, ...] = ()
    limit: str | None = None  # the QBO limit a throttled request was over

    @property
    def throttled(self) -> bool:
        return self.outcome == "throttled"


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._added = threading.Condition(self._lock)
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._added:
            self._records.append(record)
            self._added.notify_all()

    def wait_for(self, count: int, timeout: float) -> bool:
        """Block until ``count`` requests have been answered (False on timeout)."""
        with self._added:
            return self._added.wait_for(lambda: len(self._records) >= count, timeout)

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def count(
        self,
        kind: str | None = None,
        *,
        outcome: str | None = None,
        status: int | None = None,
        entity: str | None = None,
    ) -> int:
        """How many requests match; ``kind="throttled"`` counts throttled answers of any kind."""
        if kind == "throttled":
            kind, outcome = None, "throttled"
        return sum(1 for r in self.records() if _match(r, kind, outcome, status, entity))


def _match(
    record: RequestRecord,
    kind: str | None,
    outcome: str | None,
    status: int | None,
    entity: str | None,
) -> bool:
    checks: Iterable[tuple[object, object]] = (
        (kind, record.kind),
        (outcome, record.outcome),
        (status, record.status),
        (entity, record.entity),
    )
    return all(wanted is None or wanted == actual for wanted, actual in checks)
