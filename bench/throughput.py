"""7. Close to QBO's physical limit without touching it.

QBO allows per realm 500 requests a minute, 10 a second and 40 batch requests (of at most 30
items) a minute, so the most records a minute one realm can take is 40 x 30 + (500 - 40) =
1,660. The sandbox enforces those limits with a time scale (a "minute" lasts 60 / scale
seconds, so the run stays under a minute of wall time) and 5 ms latency; the plugin's client
is told the same scale (``RateLimits.time_scaled``) through a ``services_factory``. A push of
several scaled minutes' worth of invoices (with customers and items) must sustain at least
85 % of 1,660 records per scaled minute, and meet no throttle.

The rate is records created / run time in scaled minutes. The windows slide, so every
scaled minute a fresh 40 batches may go at once: over a run of T scaled minutes the limits
allow up to 1,660 x ceil(T) / T a minute. The full push is sized to last 7+ scaled minutes,
where that bound is within ~10 % of 1,660; the quick push is too short for the rate to mean
much (it only keeps the code path running).
"""

from __future__ import annotations

import time

from bench.company import first_sync, open_company, run_after, time_scaled_client
from bench.data import create_parties, load_invoices
from bench.harness import BenchContext, Figure, at_least, at_most, info
from bench.sandbox_process import sandbox_process

NAME = "throughput"
TITLE = "Close to QBO's physical limit without touching it"
NUMBER = 7
MAX_PER_MINUTE = 40 * 30 + (500 - 40)
LATENCY = 0.005


def _throttled(log: list[tuple[str, float, str, str | None]], minute: float) -> list[str]:
    """For each throttled request: the limit the sandbox says it met (10 a scaled second, 10
    in flight, 500 or 40 batches a scaled minute) and what it had admitted just before."""
    second = minute / 60
    admitted = [(kind, at) for kind, at, outcome, _ in log if outcome != "throttled"]
    found = []
    for kind, at, outcome, limit in log:
        if outcome != "throttled":
            continue
        in_second = sum(1 for _, t in admitted if at - second < t <= at)
        in_minute = [k for k, t in admitted if at - minute < t <= at]
        batches = sum(1 for k in in_minute if k == "batch")
        found.append(
            f"{kind} over the {limit} limit, after {in_second} in the last scaled second, "
            f"{len(in_minute)} ({batches} batch) in the last scaled minute"
        )
    return found


def run(ctx: BenchContext) -> list[Figure]:
    time_scale = float(ctx.size(10, 30))
    minute = 60.0 / time_scale
    invoices = ctx.size(8000, 1800)
    customers, products = invoices // 20, invoices // 40
    records = invoices + customers + products
    # A throttled answer says "wait a minute" in scaled time too (QBO's default is 60 s).
    with sandbox_process(
        latency=LATENCY, time_scale=time_scale, throttle_retry_after=60.0 / time_scale
    ) as sandbox:
        host, timer = open_company(
            ctx.workdir / "company", sandbox, client_settings=time_scaled_client(time_scale)
        )
        try:
            first_sync(host, timer)
            engine = host.erp.engine
            parties = create_parties(engine, customers=customers, products=products, tag="TP")
            first, last = load_invoices(engine, parties, count=invoices, tag="TP")
            # Let the first sync's requests leave the rate windows: the push starts clean.
            time.sleep(minute * 1.1)
            sandbox.control.reset_request_log()
            ctx.log(f"pushing {records} records, a scaled minute = {minute:.1f} s")
            pushed = run_after(
                host,
                timer,
                lambda: host.fire_invoice_posted(list(range(first, last + 1))),
                timeout=900,
            )
            requests = sandbox.request_counts()
            throttled = _throttled(sandbox.control.request_log_times(), minute)
        finally:
            host.close()
    assert pushed.result is not None
    created = pushed.result.counts.created
    minutes = pushed.seconds / minute
    rate = created / minutes
    floor = 0.85 * MAX_PER_MINUTE
    return [
        at_least(
            NAME,
            f"push of {records:,} records, limits enforced (time scale {time_scale:g}, 5 ms "
            "latency): records per scaled minute",
            rate,
            floor,
            target=f"≥ 85 % of {MAX_PER_MINUTE:,} = {floor:,.0f}",
            measured=(
                f"{rate:,.0f} ({rate / MAX_PER_MINUTE:.0%}): {created:,} records in "
                f"{minutes:.2f} scaled minutes"
            ),
            requests=requests,
            seconds=pushed.seconds,
            section_seconds=pushed.section_seconds,
        ),
        at_most(
            NAME,
            "push at the limits: throttled responses (HTTP 429)",
            requests.get("throttled", 0),
            0,
            target="0",
            measured=f"{requests.get('throttled', 0)} of {requests.get('total', 0)} requests"
            + (f"; {'; '.join(throttled[:3])}" if throttled else ""),
            throttled=throttled,
        ),
        info(
            NAME,
            "throughput: requests used",
            f"batch {requests.get('batch', 0)}, single writes "
            f"{requests.get('create', 0) + requests.get('update', 0)}, reads "
            f"{requests.get('total', 0) - requests.get('writes', 0)} in "
            f"{minutes:.2f} scaled minutes (allowed: 40 batch + 460 other a minute)",
        ),
    ]
