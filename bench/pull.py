"""5. Pull: M QBO-side changes across customers, vendors, items and payments.

Two companies, each through its first sync, then M new QBO records (30 % customers, 20 %
vendors, 20 % items, 30 % payments from customers the host has) put into the sandbox as if
typed into QBO's web UI; then the host opens the four lookups (customer, vendor, item,
payment), which coalesce into one run. The plugin and the sandbox use their default limits.

- **CDC**: the first sync ran a few minutes ago (sandbox clock moved back), and the M changes
  are spread evenly up to now at 1,660 a minute: the most a realm can change in a minute
  (see throughput), so the densest CDC can ever meet.
- **catch-up**: the first sync ran 60 days ago, so CDC is refused (30-day limit) and every
  section pages through a query instead.

Counted: every HTTP request the sandbox answered during the run; and that the host received
every pulled record (items are host -> QBO: QBO-side item edits are not pulled by design).
"""

from __future__ import annotations

import math
import time
import urllib.parse
from typing import Any

from sqlalchemy import func, select

from acctivate_qbo_plugin.reference_host import models as m
from bench.company import first_sync, open_company, run_after
from bench.data import CHANGE_MIX, qbo_side_changes
from bench.harness import BenchContext, Figure, at_least, at_most, info
from bench.sandbox_process import RemoteSandbox, sandbox_process

NAME = "pull"
TITLE = "Pull"
NUMBER = 5
MAX_CHANGES_PER_MINUTE = 1660
LOOKUPS = ("customer", "vendor", "item", "payment")
COALESCE = {"debounce_seconds": 0.3, "max_delay_seconds": 2.0}
PULLED = {"Customer": m.Customer, "Vendor": m.Vendor, "Payment": m.Payment}


def _host_counts(engine: Any) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            entity: int(connection.scalar(select(func.count()).select_from(model)) or 0)
            for entity, model in PULLED.items()
        }


def _scenario(
    ctx: BenchContext, sandbox: RemoteSandbox, changes: int, *, age_seconds: float, tag: str
) -> dict[str, Any]:
    """First sync ``age_seconds`` ago (on QBO's clock), then ``changes`` QBO-side changes up
    to now, then one run from the four lookups."""
    host, timer = open_company(ctx.workdir / tag, sandbox, sync=COALESCE)
    try:
        sandbox.control.shift_clock(-age_seconds)
        first_sync(host, timer)
        sandbox.control.reset_clock()
        payers = [c["Id"] for c in sandbox.control.entities("Customer")]
        income = next(
            a["Id"] for a in sandbox.control.entities("Account") if a.get("AccountType") == "Income"
        )
        bodies = qbo_side_changes(changes, tag=tag, payer_ids=payers, income_account_id=income)
        now = time.time()
        span = 60.0 * changes / MAX_CHANGES_PER_MINUTE
        sandbox.control.put_entities(bodies, spread_from=now - span - 5, spread_to=now - 5)
        before = _host_counts(host.erp.engine)
        sandbox.control.reset_request_log()
        ctx.log(f"{tag}: {changes} QBO-side changes over {span / 60:.1f} min; syncing")

        def open_lookups() -> None:
            for lookup in LOOKUPS:
                host.open_lookup(lookup)

        pulled = run_after(host, timer, open_lookups, timeout=600)
        after = _host_counts(host.erp.engine)
        requests = sandbox.request_counts()
        cdc_calls = [_cdc_call(r["query"]) for r in sandbox.control.requests("cdc")]
    finally:
        host.close()
    expected = {e: sum(1 for entity, _ in bodies if entity == e) for e in PULLED}
    arrived = {e: after[e] - before[e] for e in PULLED}
    return {
        "requests": requests,
        "runs": len(timer.runs) - 1,
        "seconds": pulled.seconds,
        "expected": expected,
        "arrived": arrived,
        "outcome": pulled.result.outcome if pulled.result else None,
        "sections": list(pulled.run.sections),
        "messages": list(pulled.result.messages[:5]) if pulled.result else [],
        "cdc_calls": cdc_calls,
    }


def _cdc_call(query: str) -> str:
    """``Customer,Vendor since 2026-11-25T10:00:00Z`` from a CDC request's query string."""
    params = dict(urllib.parse.parse_qsl(query))
    return f"{params.get('entities', '?')} since {params.get('changedSince', '?')}"


def _kinds(requests: dict[str, int]) -> str:
    skip = ("total", "writes", "throttled")
    return ", ".join(f"{k} {v}" for k, v in sorted(requests.items()) if v and k not in skip)


def run(ctx: BenchContext) -> list[Figure]:
    changes = ctx.size(10_000, 1_500)
    allowed = math.ceil(changes / 1000) + 10
    with sandbox_process() as sandbox:
        cdc = _scenario(ctx, sandbox, changes, age_seconds=600 + changes / 20, tag="CDC")
    with sandbox_process() as sandbox:
        catch_up = _scenario(ctx, sandbox, changes, age_seconds=60 * 86400, tag="OLD")
    figures = []
    for label, result in (("via CDC", cdc), ("catch-up from 60 days (query)", catch_up)):
        total = result["requests"]["total"]
        figures.append(
            at_most(
                NAME,
                f"pull M={changes:,} QBO changes {label}: HTTP requests",
                total,
                allowed,
                target=f"≤ ⌈M/1000⌉ + 10 = {allowed}",
                measured=f"{total} ({_kinds(result['requests'])}); {result['seconds']:.1f} s",
                **result,
            )
        )
        missing = sum(result["expected"].values()) - sum(
            min(result["arrived"][e], n) for e, n in result["expected"].items()
        )
        pulled_share = 1 - missing / max(1, sum(result["expected"].values()))
        figures.append(
            at_least(
                NAME,
                f"pull {label}: customers, vendors and payments in the host",
                pulled_share,
                1.0,
                target="all",
                measured=", ".join(
                    f"{result['arrived'][e]:,}/{n:,} {e.lower()}s"
                    for e, n in result["expected"].items()
                )
                + f" (run {result['outcome']})",
            )
        )
    mix = ", ".join(f"{int(share * 100)} % {entity}" for entity, share in CHANGE_MIX)
    figures.append(
        info(
            NAME,
            "pull: the changes",
            f"{mix}; items are host -> QBO, so QBO-side item changes are read by CDC but not "
            "pulled, and not read at all by the query path",
        )
    )
    return figures
