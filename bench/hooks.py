"""1. Hook cost on the host thread: each host event through the real plugin manager, with the
QBO plugin registered, against the same call with a no-op hookimpl.

Subject: a host whose plugin manager loaded the plugin through its entry point (as a real
host does), with nothing else registered (no call recording: that would be the fake host's
cost, not the plugin's). Baseline: a plugin manager with the same hookspecs and a plugin
whose hookimpls do nothing. Each round calls every hook on both, alternating which goes
first, so both see the same caches, GC and thread competition. Rounds are paced (a short
sleep between them) like a UI thread that posts a document now and then, rather than a tight
loop that would keep everything hot.

Measured twice: idle (the runner waits out a long debounce) and while a sync is running (a
push of a few thousand invoices against a sandbox with 20 ms latency, in another process).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from acctivate_qbo_plugin.local_setup import connect_local_sandbox, write_config
from acctivate_qbo_plugin.plugin import SYNC_MENU_ITEM, configure_host, runtime_for
from acctivate_qbo_plugin.runtime import RuntimeOptions
from acctivate_qbo_plugin.state.db import make_engine
from bench.company import IMMEDIATE, UNLIMITED_CLIENT, LeanHost
from bench.data import create_parties, load_invoices
from bench.harness import BenchContext, Figure, at_most, info, percentile
from bench.sandbox_process import UNLIMITED, sandbox_process

NAME = "hooks"
TITLE = "Hook cost on the host thread"
NUMBER = 1
PACE_SECONDS = 0.0002
# Each host event with arguments a host would pass.
EVENTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("acctivate_lookup_opened", {"lookup": "customer"}),
    ("acctivate_list_searched", {"list_name": "vendors", "query": "acme"}),
    ("acctivate_inventory_posted", {"transaction_ids": [101]}),
    ("acctivate_invoice_posted", {"invoice_ids": [1043], "kind": "invoice"}),
    ("acctivate_customer_created", {"customer_id": 77}),
)
QUIET = {"debounce_seconds": 3600, "max_delay_seconds": 3600, "sync_on_start": False}


@dataclass
class Samples:
    subject: dict[str, list[float]] = field(default_factory=dict)
    baseline: dict[str, list[float]] = field(default_factory=dict)

    def add(self, event: str, subject: float, baseline: float) -> None:
        self.subject.setdefault(event, []).append(subject)
        self.baseline.setdefault(event, []).append(baseline)


def _measure(
    subject: LeanHost,
    baseline: LeanHost,
    rounds: int,
    keep: Callable[[], bool] = lambda: True,
    warmup: int = 200,
) -> Samples:
    """Time ``rounds`` rounds of every event on both hosts (µs); rounds during which
    ``keep()`` turned false are dropped."""
    calls = [
        (
            event.removeprefix("acctivate_"),
            getattr(subject.hook, event),
            getattr(baseline.hook, event),
            {"host": subject, **kwargs},
            {"host": baseline, **kwargs},
        )
        for event, kwargs in EVENTS
    ]
    clock = time.perf_counter_ns
    samples = Samples()
    for number in range(warmup + rounds):
        if not keep():
            break
        round_samples = []
        shift = number % len(calls)  # no event is always the first after the pause
        for name, subject_hook, baseline_hook, subject_kwargs, baseline_kwargs in (
            calls[shift:] + calls[:shift]
        ):
            if number % 2:
                a = clock()
                subject_hook(**subject_kwargs)
                b = clock()
                baseline_hook(**baseline_kwargs)
                c = clock()
                round_samples.append((name, (b - a) / 1000, (c - b) / 1000))
            else:
                a = clock()
                baseline_hook(**baseline_kwargs)
                b = clock()
                subject_hook(**subject_kwargs)
                c = clock()
                round_samples.append((name, (c - b) / 1000, (b - a) / 1000))
        if number >= warmup and keep():
            for name, subject_us, baseline_us in round_samples:
                samples.add(name, subject_us, baseline_us)
        time.sleep(PACE_SECONDS)
    return samples


def _figures(condition: str, samples: Samples) -> list[Figure]:
    per_event = {}
    for event, subject_values in samples.subject.items():
        baseline_values = samples.baseline[event]
        subject_median = statistics.median(subject_values)
        baseline_median = statistics.median(baseline_values)
        per_event[event] = {
            "calls": len(subject_values),
            "median_us": round(subject_median, 2),
            "p99_us": round(percentile(subject_values, 99), 2),
            "max_us": round(max(subject_values), 1),
            "baseline_median_us": round(baseline_median, 2),
            "baseline_p99_us": round(percentile(baseline_values, 99), 2),
            "median_ratio": round(subject_median / baseline_median, 2),
        }
    worst_ratio = max(per_event, key=lambda e: per_event[e]["median_ratio"])
    worst_p99 = max(per_event, key=lambda e: per_event[e]["p99_us"])
    r, p = per_event[worst_ratio], per_event[worst_p99]
    calls = min(v["calls"] for v in per_event.values())
    return [
        at_most(
            NAME,
            f"{condition}: median hook time vs no-op hookimpl (worst of {len(per_event)} hooks)",
            r["median_ratio"],
            3.0,
            target="≤ 3×",
            measured=(
                f"{r['median_ratio']:.2f}× ({worst_ratio}: {r['median_us']:.1f} µs vs "
                f"{r['baseline_median_us']:.1f} µs; {calls} calls per hook)"
            ),
            per_event=per_event,
        ),
        at_most(
            NAME,
            f"{condition}: p99 hook time (worst of {len(per_event)} hooks)",
            p["p99_us"],
            100.0,
            target="≤ 100 µs",
            measured=(
                f"{p['p99_us']:.1f} µs ({worst_p99}; no-op p99 {p['baseline_p99_us']:.1f} µs, "
                f"max {p['max_us']:.0f} µs)"
            ),
        ),
    ]


def _idle(ctx: BenchContext, baseline: LeanHost) -> Samples:
    directory = ctx.workdir / "idle"
    directory.mkdir()
    write_config(directory, {"sync": QUIET})
    host = LeanHost(directory, plugin=True)
    host.pm.hook.acctivate_host_started.call_historic(kwargs={"host": host})
    runtime = runtime_for(host)
    runtime.runner.wait_idle(30)  # config read, runner waiting: nothing runs for an hour
    try:
        return _measure(host, baseline, ctx.size(20_000, 3_000))
    finally:
        host.pm.hook.acctivate_host_closing(host=host)


def _while_syncing(ctx: BenchContext, baseline: LeanHost) -> tuple[Samples, int]:
    invoices = ctx.size(4000, 600)
    with sandbox_process(latency=0.02, **UNLIMITED) as sandbox:
        directory = ctx.workdir / "syncing"
        connect_local_sandbox(directory, sandbox, {"sync": IMMEDIATE})
        host = LeanHost(directory, plugin=True)
        # The client's own QBO limits off too (40 batches a minute would make the "running"
        # sync mostly a sleeping one): the sync works flat out.
        configure_host(host, RuntimeOptions(client_settings=UNLIMITED_CLIENT))
        host.pm.hook.acctivate_host_started.call_historic(kwargs={"host": host})
        runner = runtime_for(host).runner
        try:
            host.pm.hook.acctivate_menu_item_selected(host=host, item_id=SYNC_MENU_ITEM.id)
            if not runner.wait_idle(120):
                raise TimeoutError("the first sync did not finish within 120 s")
            engine = make_engine(host.database_url)
            parties = create_parties(engine, customers=invoices // 20, products=50, tag="HK")
            first, last = load_invoices(engine, parties, count=invoices, tag="HK")
            engine.dispose()
            started, finished = runner.runs_started, runner.runs_finished
            host.pm.hook.acctivate_invoice_posted(
                host=host, invoice_ids=list(range(first, last + 1)), kind="invoice"
            )
            deadline = time.monotonic() + 30
            while runner.runs_started == started and time.monotonic() < deadline:
                time.sleep(0.001)  # the run starts at once (no debounce)
            ctx.log(f"measuring while the runner pushes {invoices} invoices")
            # Only while THE push runs: the requests made meanwhile queue one follow-up run,
            # which would otherwise keep the measurement going.
            samples = _measure(
                host,
                baseline,
                10**9,
                keep=lambda: runner.running and runner.runs_finished == finished,
                warmup=50,
            )
            runner.wait_idle(300)
            return samples, invoices
        finally:
            host.pm.hook.acctivate_host_closing(host=host)


def run(ctx: BenchContext) -> list[Figure]:
    baseline_dir = ctx.workdir / "baseline"
    baseline_dir.mkdir()
    baseline = LeanHost(baseline_dir, plugin=False)
    idle = _idle(ctx, baseline)
    ctx.log("idle done")
    syncing, invoices = _while_syncing(ctx, baseline)
    return [
        *_figures("idle", idle),
        *_figures("while a sync runs", syncing),
        info(
            NAME,
            "hooks: conditions",
            f"paced {PACE_SECONDS * 1e6:.0f} µs between rounds; the sync pushes {invoices} "
            "invoices (20 ms latency, sandbox in another process)",
        ),
    ]
