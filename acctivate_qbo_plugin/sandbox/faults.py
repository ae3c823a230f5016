"""Fault injection: latency, failures, timeouts, lost acknowledgements, garbled bodies, throttles.

Each ``*_next(n, ...)`` call queues a fault for the next ``n`` matching requests. By default a
fault matches any API request (``/v3/...``); pass ``match="/batch"`` (a substring of the path)
to aim it, or ``match="/oauth2/"`` to hit the token endpoint. Every method is thread-safe.

How a request meets the faults, in order: the latency is added; a queued timeout holds the
request that long (then it is processed, possibly after the client gave up); once its token
has been accepted, a queued failure or throttle answers instead of processing, or else
``fail_rate`` may fail it at random; the request is processed; then a queued
``drop_after_commit`` closes the socket without an answer (writes only) or ``malformed_next``
garbles the answer. :meth:`FaultInjector.reset` also releases requests being delayed.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

FAIL_KINDS = ("json", "html", "empty")
MALFORMED_KINDS = ("truncated", "html", "missing_keys", "wrong_types")


@dataclass
class _Queued:
    kind: str  # "fail", "throttle", "timeout", "drop", "malformed"
    remaining: int
    match: str | None
    status: int = 0
    variant: str = ""
    seconds: float = 0.0
    retry_after: float | None = None


@dataclass(frozen=True)
class Failure:
    """Answer with this instead of processing the request."""

    kind: str  # "fail" or "throttle"
    status: int
    variant: str = "json"  # for "fail": json, html or empty
    retry_after: float | None = None


@dataclass
class FaultPlan:
    """What to do to one request (decided once, when it arrives)."""

    latency: float = 0.0
    hold: float = 0.0
    failure: Failure | None = None
    drop: bool = False
    malformed: str | None = None
    applied: list[str] = field(default_factory=list)
    # Set by reset()/release_held(): ends the latency or hold early.
    release: threading.Event = field(default_factory=threading.Event)


class FaultInjector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[_Queued] = []
        self._latency = 0.0
        self._latency_match: str | None = None
        self._rate = 0.0
        self._rate_statuses: tuple[int, ...] = ()
        self._rate_match: str | None = None
        self._random = random.Random()
        self._release = threading.Event()

    def __repr__(self) -> str:
        with self._lock:
            queued = [f"{q.kind}x{q.remaining}" for q in self._queue]
            return f"FaultInjector(latency={self._latency}, rate={self._rate}, queued={queued})"

    # --- the public controls ---------------------------------------------------------------

    def latency(self, seconds: float, *, match: str | None = None) -> None:
        """Add ``seconds`` to every (matching) request until :meth:`reset`."""
        _check_seconds("latency", seconds)
        with self._lock:
            self._latency, self._latency_match = float(seconds), match

    def fail_next(
        self, n: int, status: int = 503, kind: str = "json", *, match: str | None = None
    ) -> None:
        """The next ``n`` requests fail with ``status``: a JSON fault, an HTML page or no body."""
        _check_count(n)
        _check_status(status)
        if kind not in FAIL_KINDS:
            raise ValueError(f"fail_next kind must be one of {FAIL_KINDS}, got {kind!r}")
        self._enqueue(_Queued("fail", n, match, status=status, variant=kind))

    def timeout_next(self, n: int, seconds: float, *, match: str | None = None) -> None:
        """Hold the next ``n`` requests ``seconds`` before answering (so the client times out)."""
        _check_count(n)
        _check_seconds("timeout_next", seconds)
        self._enqueue(_Queued("timeout", n, match, seconds=float(seconds)))

    def drop_after_commit(self, n: int, *, match: str | None = None) -> None:
        """Perform the next ``n`` writes, then close the socket without any response."""
        _check_count(n)
        self._enqueue(_Queued("drop", n, match))

    def malformed_next(self, n: int, kind: str = "truncated", *, match: str | None = None) -> None:
        """Process the next ``n`` requests but answer with a garbled body of ``kind``."""
        _check_count(n)
        if kind not in MALFORMED_KINDS:
            raise ValueError(f"malformed_next kind must be one of {MALFORMED_KINDS}, got {kind!r}")
        self._enqueue(_Queued("malformed", n, match, variant=kind))

    def throttle_next(
        self,
        n: int,
        status: int = 429,
        *,
        retry_after: float | None = None,
        match: str | None = None,
    ) -> None:
        """Answer the next ``n`` requests with QBO's XML throttle fault (429, or the old 403)."""
        _check_count(n)
        if status not in (429, 403):
            raise ValueError(f"throttle_next status must be 429 or 403, got {status!r}")
        if retry_after is not None:
            _check_seconds("retry_after", retry_after)
        self._enqueue(_Queued("throttle", n, match, status=status, retry_after=retry_after))

    def fail_rate(
        self,
        rate: float,
        statuses: tuple[int, ...] = (500, 502, 503, 504),
        seed: int | None = None,
        *,
        match: str | None = None,
    ) -> None:
        """Fail each (matching) request with probability ``rate`` (0 turns it off)."""
        if not isinstance(rate, int | float) or not 0 <= rate <= 1:
            raise ValueError(f"fail_rate rate must be between 0 and 1, got {rate!r}")
        statuses = tuple(statuses)
        if rate and not statuses:
            raise ValueError("fail_rate needs at least one status to fail with")
        for status in statuses:
            _check_status(status)
        with self._lock:
            self._rate, self._rate_statuses, self._rate_match = float(rate), statuses, match
            self._random = random.Random(seed)

    def reset(self) -> None:
        """Remove every fault (queued ones, latency, the random failure rate) and let requests
        that are being delayed or held right now go on at once."""
        with self._lock:
            self._queue.clear()
            self._latency, self._latency_match = 0.0, None
            self._rate, self._rate_statuses, self._rate_match = 0.0, (), None
        self.release_held()

    def release_held(self) -> None:
        """End the latency or hold of every request currently waiting on one."""
        with self._lock:
            released, self._release = self._release, threading.Event()
        released.set()

    # --- used by the request handler -------------------------------------------------------

    def plan(self, path: str, *, is_api: bool, is_write: bool) -> FaultPlan:
        """The delay a request meets on arrival (latency, and a queued timeout's hold)."""
        plan = FaultPlan()
        with self._lock:
            plan.release = self._release
            if _matches(self._latency_match, path, is_api):
                plan.latency = self._latency
            timeout = self._take(path, is_api, ("timeout",))
            if timeout is not None:
                plan.hold = timeout.seconds
                plan.applied.append("timeout")
        return plan

    def before_processing(self, plan: FaultPlan, path: str, *, is_api: bool) -> None:
        """Decide whether an (authorized) request fails instead of being processed."""
        with self._lock:
            failure = self._take(path, is_api, ("fail", "throttle"))
            if failure is not None:
                plan.failure = Failure(
                    failure.kind, failure.status, failure.variant, failure.retry_after
                )
                plan.applied.append(failure.kind)
            elif (
                self._rate
                and _matches(self._rate_match, path, is_api)
                and self._random.random() < self._rate
            ):
                status = self._random.choice(self._rate_statuses)
                plan.failure = Failure("fail", status, "json")
                plan.applied.append("fail_rate")

    def after_processing(self, plan: FaultPlan, path: str, *, is_api: bool, is_write: bool) -> None:
        """Decide the post-processing fault once the request has been performed."""
        with self._lock:
            kinds = ("drop", "malformed") if is_write else ("malformed",)
            queued = self._take(path, is_api, kinds)
        if queued is None:
            return
        if queued.kind == "drop":
            plan.drop = True
            plan.applied.append("drop_after_commit")
        else:
            plan.malformed = queued.variant
            plan.applied.append(f"malformed:{queued.variant}")

    def _enqueue(self, queued: _Queued) -> None:
        with self._lock:
            self._queue.append(queued)

    def _take(self, path: str, is_api: bool, kinds: tuple[str, ...]) -> _Queued | None:
        for queued in self._queue:
            if queued.kind in kinds and _matches(queued.match, path, is_api):
                queued.remaining -= 1
                if queued.remaining <= 0:
                    self._queue.remove(queued)
                return queued
        return None


def _matches(match: str | None, path: str, is_api: bool) -> bool:
    return is_api if match is None else match in path


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"the number of requests to affect must be a positive integer, got {n!r}")


def _check_seconds(name: str, seconds: float) -> None:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise ValueError(f"{name} needs a number of seconds >= 0, got {seconds!r}")


def _check_status(status: int) -> None:
    if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
        raise ValueError(f"an injected failure needs an HTTP error status 400..599, got {status!r}")
