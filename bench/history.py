"""6. Cost grows with changes, not with history.

**Review**: two companies, one with 10,000 rows in the invoice tables and one with 1,000,000
(half invoices, half their lines), bulk-loaded through the real schema and then dated in 2020
(long synced), in the same way for both. Then, in turn for each company, 100 new invoices are
posted and the run they trigger is timed: one warm-up round, then five, median taken. The
figure is the time the run spends in the host-data interface (``services.host``: reading
what changed, counting it, loading records and lines), measured by a delegating wrapper
around the plugin's own ``ReferenceHostData``; the whole run is shown beside it. Both
companies have ``overlap_seconds = 0``, so each round reviews exactly its own 100 invoices,
not the previous round's too; each has its own sandbox, so neither pulls the other's pushes.

**Peak memory**: pushing 50,000 invoices versus 5,000 (with their customers and items), each
push in a fresh child process (``bench.push_memory``) whose peak RSS is read at the end. A
child per size because a high-water mark cannot be reset; the OS's peak RSS rather than
tracemalloc because it is what the host process really pays (SQLite's cache, sockets,
allocator slack), not only Python objects, and tracemalloc would slow the 50,000 push
several times over. The parent prepares each company (first sync, data) and closes it
first, so the child's peak is the plugin and its push alone. The peak is ``VmHWM``, because
``ru_maxrss`` survives fork + exec on Linux and would report this runner's own RSS.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from acctivate_qbo_plugin.config import Settings
from acctivate_qbo_plugin.services import SyncServices, default_services
from acctivate_qbo_plugin.state.store import StateStore
from bench.company import UNLIMITED_CLIENT, first_sync, open_company, run_after
from bench.data import backdate_invoices, create_parties, load_invoices
from bench.harness import BenchContext, Figure, at_most, info
from bench.sandbox_process import UNLIMITED, sandbox_process

NAME = "history"
TITLE = "Cost grows with changes, not with history"
NUMBER = 6
CHANGED = 100
ROUNDS = 5
WARMUP_ROUNDS = 1
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
REPO = Path(__file__).resolve().parent.parent


class TimedHostData:
    """Delegates every call to the plugin's host-data object and adds up the time in it."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.seconds = 0.0
        self.calls: Counter[str] = Counter()
        self.by_method: Counter[str] = Counter()

    def reset(self) -> None:
        self.seconds = 0.0
        self.calls.clear()
        self.by_method.clear()

    def _add(self, name: str, seconds: float) -> None:
        self.seconds += seconds
        self.by_method[name] += seconds

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if not callable(value):
            return value
        if name in ("changed", "changed_stamps"):  # generators: time each page
            return self._timed_chunks(name, value)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return value(*args, **kwargs)
            finally:
                self._add(name, time.perf_counter() - started)
                self.calls[name] += 1

        return timed

    def _timed_chunks(self, name: str, method: Callable[..., Iterator[Any]]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            chunks = method(*args, **kwargs)
            self.calls[name] += 1
            while True:
                started = time.perf_counter()
                try:
                    chunk = next(chunks)
                except StopIteration:
                    return
                finally:
                    self._add(name, time.perf_counter() - started)
                yield chunk

        return timed


def _timed_services(holder: list[TimedHostData]) -> Callable[[Settings, StateStore], Any]:
    def factory(settings: Settings, store: StateStore) -> SyncServices:
        services = default_services(settings, store, client_settings=UNLIMITED_CLIENT)
        services.host = TimedHostData(services.host)  # type: ignore[assignment]
        holder.append(services.host)  # type: ignore[arg-type]
        return services

    return factory


def _review(ctx: BenchContext) -> list[Figure]:
    sizes = (ctx.size(10_000, 500), ctx.size(1_000_000, 50_000))
    results: dict[int, list[dict[str, float]]] = {size: [] for size in sizes}
    with contextlib.ExitStack() as stack:
        companies = []
        for number, size in enumerate(sizes):
            # A sandbox each: one company's pushes must not show up in the other's pulls.
            sandbox = stack.enter_context(sandbox_process(**UNLIMITED))
            holder: list[TimedHostData] = []
            host, timer = open_company(
                ctx.workdir / f"review-{size}",
                sandbox,
                sync={"overlap_seconds": 0},
                services_factory=_timed_services(holder),
            )
            stack.callback(host.close)
            first_sync(host, timer)
            engine = host.erp.engine
            parties = create_parties(engine, customers=20, products=10, tag=f"HR{number}")
            run_after(host, timer, lambda host=host: host.fire_invoice_posted([]), timeout=120)
            started = time.perf_counter()
            _, last = load_invoices(
                engine, parties, count=size // 2, tag=f"HH{number}", lines=(1, 1)
            )
            backdate_invoices(engine, last, LONG_AGO)
            ctx.log(f"{size:,} history rows loaded in {time.perf_counter() - started:.1f} s")
            companies.append((size, host, timer, engine, parties, holder))
        for round_number in range(WARMUP_ROUNDS + ROUNDS):
            for size, host, timer, engine, parties, holder in companies:
                first, last = load_invoices(
                    engine, parties, count=CHANGED, tag=f"HC{round_number}{size}"
                )
                holder[0].reset()
                ids = list(range(first, last + 1))
                run = run_after(
                    host, timer, lambda h=host, i=ids: h.fire_invoice_posted(i), timeout=120
                )
                assert run.result is not None
                if round_number < WARMUP_ROUNDS:
                    continue
                results[size].append(
                    {
                        "host_seconds": holder[0].seconds,
                        "run_seconds": run.seconds,
                        "invoices_seconds": run.section_seconds.get("invoices", 0.0),
                        "created": run.sections["invoices"].counts.created,
                        "by_method_ms": {
                            k: round(v * 1000, 2) for k, v in holder[0].by_method.items()
                        },
                        "calls": dict(holder[0].calls),
                    }
                )
    small, large = sizes
    host_small = statistics.median(r["host_seconds"] for r in results[small])
    host_large = statistics.median(r["host_seconds"] for r in results[large])
    run_small = statistics.median(r["run_seconds"] for r in results[small])
    run_large = statistics.median(r["run_seconds"] for r in results[large])
    ratio = host_large / host_small
    created = {size: [r["created"] for r in rows] for size, rows in results.items()}
    return [
        at_most(
            NAME,
            f"host-side review of {CHANGED} changed invoices: {large:,} rows vs {small:,} rows",
            ratio,
            2.0,
            target="≤ 2×",
            measured=(
                f"{ratio:.2f}× ({host_large * 1000:.1f} ms vs {host_small * 1000:.1f} ms in "
                f"host data, median of {ROUNDS})"
            ),
            rounds=results,
        ),
        info(
            NAME,
            "review: whole run (host data, mapping, payloads and 4 batch requests)",
            f"{run_large:.2f} s vs {run_small:.2f} s ({run_large / run_small:.2f}×); invoices "
            f"created per run {created[large]} / {created[small]}",
        ),
    ]


def _push_in_child(ctx: BenchContext, invoices: int) -> dict[str, Any]:
    customers, products = max(5, invoices // 20), max(3, invoices // 40)
    directory = ctx.workdir / f"memory-{invoices}"
    with sandbox_process(**UNLIMITED) as sandbox:
        host, timer = open_company(directory, sandbox, client_settings=UNLIMITED_CLIENT)
        try:
            first_sync(host, timer)
            parties = create_parties(
                host.erp.engine, customers=customers, products=products, tag="HM"
            )
            first, last = load_invoices(host.erp.engine, parties, count=invoices, tag="HM")
        finally:
            host.close()
        ctx.log(f"pushing {invoices:,} invoices in a child process")
        done = subprocess.run(
            [sys.executable, "-m", "bench.push_memory", str(directory), str(first), str(last)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"bench.push_memory failed ({done.returncode}): {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["records"] = invoices + customers + products
    return result


def _memory(ctx: BenchContext) -> list[Figure]:
    small_n, large_n = ctx.size(5_000, 300), ctx.size(50_000, 3_000)
    small = _push_in_child(ctx, small_n)
    large = _push_in_child(ctx, large_n)
    ratio = large["peak_kb"] / small["peak_kb"]
    growth = {
        n: (r["peak_kb"] - r["rss_before_kb"]) / 1024
        for n, r in ((small_n, small), (large_n, large))
    }
    return [
        at_most(
            NAME,
            f"peak memory (peak RSS of the process) pushing {large_n:,} invoices vs {small_n:,}",
            ratio,
            1.3,
            target="≤ 1.3×",
            measured=(
                f"{ratio:.2f}× ({large['peak_kb'] / 1024:.0f} MB vs "
                f"{small['peak_kb'] / 1024:.0f} MB)"
            ),
            small=small,
            large=large,
        ),
        info(
            NAME,
            "peak memory: growth during the push itself",
            f"+{growth[large_n]:.0f} MB vs +{growth[small_n]:.0f} MB over the RSS before the "
            f"event; pushes took {large['seconds']:.1f} s and {small['seconds']:.1f} s, created "
            f"{large['created']:,} / {small['created']:,}",
        ),
    ]


def run(ctx: BenchContext) -> list[Figure]:
    return [*_review(ctx), *_memory(ctx)]
