"""2. Coalescing: 10,000 host events from 8 threads in about a second -> at most 2 sync runs.

A host connected to a sandbox, with the product's default timing (2 s debounce, 10 s
maximum delay). Eight threads, released together, each fire 1,250 events paced evenly over
one second, rotating through the five host events (lookups, lists, inventory, invoices,
customers). Then the host goes quiet; the benchmark waits until the runner is idle and
counts the runs, and checks the runner saw every one of the events.
"""

from __future__ import annotations

import threading
import time

from acctivate_qbo_plugin.local_setup import connect_local_sandbox
from acctivate_qbo_plugin.plugin import runtime_for
from bench.company import LeanHost, RunTimer
from bench.harness import BenchContext, Figure, at_most, info, percentile
from bench.hooks import EVENTS
from bench.sandbox_process import sandbox_process

NAME = "coalescing"
TITLE = "Coalescing"
NUMBER = 2
THREADS = 8
SPREAD_SECONDS = 1.0
DEFAULT_TIMING = {"debounce_seconds": 2.0, "max_delay_seconds": 10.0, "sync_on_start": False}


def _fire(host: LeanHost, count: int, start: threading.Barrier, took: list[float]) -> None:
    calls = [(getattr(host.hook, event), {"host": host, **kwargs}) for event, kwargs in EVENTS]
    start.wait()
    began = time.perf_counter()
    for n in range(count):
        due = began + SPREAD_SECONDS * n / count
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        hook, kwargs = calls[n % len(calls)]
        a = time.perf_counter()
        hook(**kwargs)
        took.append((time.perf_counter() - a) * 1e6)


def run(ctx: BenchContext) -> list[Figure]:
    events = 10_000  # the same in quick mode: it takes a second
    per_thread = events // THREADS
    with sandbox_process() as sandbox:
        directory = ctx.workdir / "company"
        connect_local_sandbox(directory, sandbox, {"sync": DEFAULT_TIMING})
        host = LeanHost(directory, plugin=True)
        timer = RunTimer()
        host.pm.register(timer, name="bench-run-timer")
        host.pm.hook.acctivate_host_started.call_historic(kwargs={"host": host})
        runner = runtime_for(host).runner
        try:
            runner.wait_idle(30)
            received = runner.requests_received
            start = threading.Barrier(THREADS + 1)
            took: list[list[float]] = [[] for _ in range(THREADS)]
            threads = [
                threading.Thread(target=_fire, args=(host, per_thread, start, took[n]))
                for n in range(THREADS)
            ]
            for thread in threads:
                thread.start()
            start.wait()
            began = time.perf_counter()
            for thread in threads:
                thread.join()
            fired = time.perf_counter() - began
            ctx.log(f"{events} events fired in {fired:.2f} s; waiting for the runner to go idle")
            if not runner.wait_idle(120):
                raise TimeoutError("the runner was still busy 120 s after the events")
            quiet_for = time.perf_counter() - began - fired
        finally:
            host.pm.hook.acctivate_host_closing(host=host)
    runs = timer.runs
    seen = runner.requests_received - received
    durations = [t for thread_took in took for t in thread_took]
    first_wait = (runs[0].started - began - fired) if runs else float("nan")
    return [
        at_most(
            NAME,
            f"{events:,} events from {THREADS} threads in {fired:.2f} s: sync runs",
            len(runs),
            2,
            target="≤ 2 runs",
            measured=(
                f"{len(runs)} run(s), {seen:,} of {events:,} events received; first run started "
                f"{first_wait:.2f} s after the last event (debounce 2 s)"
            ),
            runs=[
                {
                    "sections": list(r.run.sections),
                    "trigger": r.run.trigger,
                    "seconds": round(r.seconds, 3) if r.finished else None,
                    "outcome": r.result.outcome if r.result else None,
                }
                for r in runs
            ],
            events_received=seen,
            idle_after_seconds=quiet_for,
        ),
        info(
            NAME,
            f"coalescing: hook time with {THREADS} threads firing",
            f"median {percentile(durations, 50):.1f} µs, p99 {percentile(durations, 99):.1f} µs, "
            f"max {max(durations):.0f} µs over {len(durations):,} calls",
        ),
    ]
