"""The local QBO sandbox in a child process, driven through a multiprocessing manager.

Why not in the benchmark's own process: real QuickBooks does its work on Intuit's machines.
On a 2-core box an in-process sandbox would take the GIL from the plugin (and add its own
objects to the plugin's memory), so the figures would partly measure the sandbox. In a child
process it costs the plugin what a remote server costs: the wire and the configured latency.

    with sandbox_process(latency=0.02, requests_per_minute=None) as sandbox:
        connect_local_sandbox(directory, sandbox)     # duck-types SandboxServer
        sandbox.control.count_requests("batch")
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import multiprocessing
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.managers import BaseManager
from typing import Any

__all__ = ["RemoteSandbox", "SandboxControl", "sandbox_process"]

WRITE_KINDS = ("batch", "create", "update", "delete", "void")
UNLIMITED = {"requests_per_minute": None, "requests_per_second": None, "batch_per_minute": None}


class SandboxControl:
    """Lives in the child process: one running :class:`SandboxServer` and what benchmarks ask
    of it. Every method is called through a manager proxy, so arguments and results are plain
    picklable values."""

    def __init__(self, overrides: dict[str, Any]) -> None:
        from acctivate_qbo_plugin.sandbox import SandboxServer, SandboxSettings

        # QBO stamps a request when it arrives; a handler thread here stamps it when it first
        # gets the GIL. While another thread builds a batch's 30 records, that can be tens of
        # milliseconds late, which a time-scaled "second" of 100 ms cannot absorb: switching
        # threads every 0.5 ms instead of 5 ms keeps the stamps (and the limits) honest.
        sys.setswitchinterval(0.0005)
        gc.disable()
        settings = SandboxSettings().with_overrides(**overrides)
        self._server = SandboxServer(settings).start()

    def address(self) -> dict[str, str]:
        server = self._server
        return {
            "base_url": server.base_url,
            "token_url": server.token_url,
            "realm_id": server.realm_id,
        }

    def issue_tokens(self) -> dict[str, Any]:
        return self._server.issue_tokens()

    # -- the request log -------------------------------------------------------------------

    def reset_request_log(self) -> None:
        self._server.reset_request_log()

    def request_counts(self) -> dict[str, int]:
        """Requests by kind (read, query, cdc, batch, ...) plus ``throttled`` and ``total``."""
        records = self._server.request_log
        counts = Counter(r.kind for r in records)
        counts["throttled"] = sum(1 for r in records if r.throttled)
        counts["total"] = len(records)
        counts["writes"] = sum(counts[k] for k in WRITE_KINDS)
        return dict(counts)

    def requests(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Method, path, query string, kind and outcome of each request (of ``kind``)."""
        return [
            {"method": r.method, "path": r.path, "query": r.query, "kind": r.kind,
             "outcome": r.outcome, "status": r.status}
            for r in self._server.request_log
            if kind is None or r.kind == kind
        ]  # fmt: skip

    def request_log_times(self) -> list[tuple[str, float, str, str | None]]:
        """(kind, server arrival time in epoch seconds, outcome, the limit a throttled request
        was over) of every request, in order."""
        return [(r.kind, r.time.timestamp(), r.outcome, r.limit) for r in self._server.request_log]

    # -- records ---------------------------------------------------------------------------

    def count(self, entity: str) -> int:
        return len(self._server.entities(entity))

    def entities(self, entity: str) -> list[dict[str, Any]]:
        return self._server.entities(entity)

    def put_entities(
        self,
        entity_bodies: Sequence[tuple[str, dict[str, Any]]],
        *,
        spread_from: float | None = None,
        spread_to: float | None = None,
    ) -> list[str]:
        """Store records as if typed into QBO's web UI; return their Ids.

        With ``spread_from``/``spread_to`` (epoch seconds), the server clock walks evenly
        from one to the other while storing, so the records' LastUpdatedTime is spread as if
        they had been changed over that span; the clock returns to real time afterwards.
        """
        clock = self._server.clock
        ids: list[str] = []
        count = len(entity_bodies)
        try:
            for index, (entity, body) in enumerate(entity_bodies):
                if spread_from is not None and spread_to is not None:
                    moment = spread_from + (spread_to - spread_from) * index / max(1, count - 1)
                    clock.travel_to(dt.datetime.fromtimestamp(moment, tz=dt.UTC))
                ids.append(str(self._server.put_entity(entity, body)["Id"]))
        finally:
            if spread_from is not None:
                clock.shift(-clock.offset)
        return ids

    # -- the server clock ------------------------------------------------------------------

    def shift_clock(self, seconds: float) -> None:
        self._server.clock.shift(seconds)

    def reset_clock(self) -> None:
        self._server.clock.shift(-self._server.clock.offset)

    def stop(self) -> None:
        self._server.stop()


class _Manager(BaseManager):
    pass


_Manager.register("SandboxControl", SandboxControl)


@dataclass
class RemoteSandbox:
    """What ``connect_local_sandbox`` needs of a sandbox, plus the control proxy."""

    control: Any
    base_url: str
    token_url: str
    realm_id: str

    def issue_tokens(self) -> dict[str, Any]:
        return self.control.issue_tokens()

    def request_counts(self) -> dict[str, int]:
        return self.control.request_counts()


@contextlib.contextmanager
def sandbox_process(**overrides: Any) -> Iterator[RemoteSandbox]:
    """Start a sandbox (``SandboxSettings`` overrides) in a fresh child process.

    ``spawn``, not ``fork``: the parent has threads (runners, HTTP pools) whose locks a
    forked child would inherit held.
    """
    manager = _Manager(ctx=multiprocessing.get_context("spawn"))
    manager.start()
    try:
        control = manager.SandboxControl(overrides)  # type: ignore[attr-defined]
        address = control.address()
        try:
            yield RemoteSandbox(control, **address)
        finally:
            with contextlib.suppress(Exception):
                control.stop()
    finally:
        manager.shutdown()
