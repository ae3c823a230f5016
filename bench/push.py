"""3. Push efficiency: N invoices with their customers and items, 20 ms a request.

Subject: the real plugin, triggered the way a host triggers it (one ``invoice_posted`` event
for the N posted invoices), against a sandbox with 20 ms latency and its rate limits off.
Baseline: the same records through the same client, one create request per record
(:mod:`bench.naive_push`), against a second, identical sandbox. Back to back, same process.
"""

from __future__ import annotations

import math

from acctivate_qbo_plugin.local_setup import connect_local_sandbox
from acctivate_qbo_plugin.services import open_configured_client
from bench.company import UNLIMITED_CLIENT, first_sync, open_company, read_settings, run_after
from bench.data import create_parties, load_invoices
from bench.harness import BenchContext, Figure, Stopwatch, at_least, at_most, info
from bench.naive_push import push_one_by_one
from bench.sandbox_process import UNLIMITED, sandbox_process

NAME = "push"
TITLE = "Push efficiency"
NUMBER = 3
LATENCY = 0.020


def run(ctx: BenchContext) -> list[Figure]:
    invoices = ctx.size(2000, 200)
    customers, products = max(5, invoices // 20), max(3, invoices // 40)
    records = invoices + customers + products

    with sandbox_process(latency=LATENCY, **UNLIMITED) as sandbox:
        host, timer = open_company(
            ctx.workdir / "push-plugin", sandbox, client_settings=UNLIMITED_CLIENT
        )
        try:
            first_sync(host, timer)
            engine = host.erp.engine
            parties = create_parties(engine, customers=customers, products=products, tag="PB")
            first, last = load_invoices(engine, parties, count=invoices, tag="PB")
            ctx.log(f"plugin: pushing {invoices} invoices, {customers} customers, {products} items")
            sandbox.control.reset_request_log()
            pushed = run_after(
                host,
                timer,
                lambda: host.fire_invoice_posted(list(range(first, last + 1))),
                timeout=600,
            )
            requests = sandbox.request_counts()
            in_qbo = sandbox.control.count("Invoice")
        finally:
            host.close()
    assert pushed.result is not None
    created = pushed.result.counts.created

    with sandbox_process(latency=LATENCY, **UNLIMITED) as naive_sandbox:
        directory = ctx.workdir / "push-naive"
        config = connect_local_sandbox(directory, naive_sandbox)
        naive_settings = read_settings(config)
        ctx.log(f"baseline: {records} records, one create request each")
        naive_sandbox.control.reset_request_log()
        client = open_configured_client(naive_settings, UNLIMITED_CLIENT)
        with client as qbo, Stopwatch() as naive_watch:
            naive = push_one_by_one(
                qbo,
                engine,
                customer_ids=list(parties.customer_ids),
                product_ids=list(parties.product_ids),
                invoice_ids=(first, last),
            )
        naive_requests = naive_sandbox.request_counts()

    allowed = math.ceil(invoices / 30) + 20
    speedup = naive_watch.seconds / pushed.seconds
    by_kind = {k: v for k, v in sorted(requests.items()) if k not in ("total", "writes")}
    return [
        at_most(
            NAME,
            f"push N={invoices} invoices (+{customers} customers, {products} items): HTTP requests",
            requests["total"],
            allowed,
            target=f"≤ ⌈N/30⌉ + 20 = {allowed}",
            measured=f"{requests['total']} ({_kinds(by_kind)})",
            requests=requests,
        ),
        at_least(
            NAME,
            f"push N={invoices}: wall time vs one-request-per-record baseline (20 ms latency)",
            speedup,
            20.0,
            target="≥ 20× faster",
            measured=(
                f"{speedup:.1f}× ({pushed.seconds:.2f} s vs {naive_watch.seconds:.1f} s for "
                f"{naive_requests['total']} requests)"
            ),
            plugin_seconds=pushed.seconds,
            baseline_seconds=naive_watch.seconds,
            baseline_requests=naive_requests,
            section_seconds=pushed.section_seconds,
        ),
        info(
            NAME,
            "push: records in QBO after the run",
            f"{created} created by the plugin (expected {records}); {in_qbo} invoices in QBO; "
            f"baseline created {naive.records}; outcome {pushed.result.outcome}",
            created=created,
            expected=records,
            invoices_in_qbo=in_qbo,
            section_seconds={k: round(v, 3) for k, v in pushed.section_seconds.items()},
        ),
    ]


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in counts.items() if count)
