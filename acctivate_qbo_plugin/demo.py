"""``acctivate-qbo demo``: the whole loop on an embedded default, in under a minute.

A SQLite host database with sample data, the local QBO sandbox, and the fake host with the
real plugin: a scripted working session fires the host events, the sync window draws each
run, and at the end the sync log shows the warning and the errors with how to fix them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.rule import Rule

from acctivate_qbo_plugin.cli.sync_window import TerminalSyncWindow
from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.local_setup import connect_local_sandbox
from acctivate_qbo_plugin.reference_host import models as m
from acctivate_qbo_plugin.sandbox import SandboxServer, SandboxSettings
from acctivate_qbo_plugin.state.store import LogRecord
from hookspecs import hookimpl

__all__ = ["DemoResult", "run_demo"]

INDICATORS = {"idle": "idle", "syncing": "[cyan]syncing[/]", "attention": "[yellow]⚠ attention[/]"}


@dataclass(frozen=True)
class DemoResult:
    directory: Path
    runs: int
    warnings: int
    errors: int
    seconds: float


class _IndicatorLine(TerminalSyncWindow):
    """The sync window, plus the host's indicator as it changes."""

    @hookimpl
    def acctivate_sync_indicator_changed(self, indicator: str) -> None:  # type: ignore[override]
        super().acctivate_sync_indicator_changed(indicator)
        self.console.print(f"  [dim]indicator:[/] {INDICATORS.get(indicator, indicator)}")


def run_demo(directory: Path, console: Console | None = None) -> DemoResult:
    """Play the scripted session in ``directory`` (created; an old demo there is replaced)."""
    out = console or Console(highlight=False)
    started = time.monotonic()
    directory.mkdir(parents=True, exist_ok=True)
    for stale in ("host.db", "host.db-wal", "host.db-shm", "qbo_tokens.json"):
        (directory / stale).unlink(missing_ok=True)
    with SandboxServer(SandboxSettings(port=0)) as sandbox:
        connect_local_sandbox(
            directory,
            sandbox,
            {
                "sync": {"debounce_seconds": 0.3, "max_delay_seconds": 2, "sync_on_start": True},
                "database": {"url": "host.db"},
            },
        )
        out.print(Rule("acctivate-qbo demo"))
        out.print(f"Local QuickBooks sandbox at {sandbox.base_url} (company {sandbox.realm_id})")
        out.print(f"Host database and config in {directory}")
        host = FakeHost(data_dir=directory, database_url=f"sqlite:///{directory / 'host.db'}")
        window = _IndicatorLine(out)
        host.pm.register(window, name="demo-sync-window")
        try:
            _play(host, sandbox, out)
        finally:
            host.close()
        last_run = host.runs()[-1].id
        entries = _sync_log(host)
    # Warnings from the whole session; errors as the last run (which reviews every record
    # still failing) found them: that is what still needs fixing.
    warnings = _unique(e for e in entries if e.level == "warning")
    errors = _unique(e for e in entries if e.level == "error" and e.run_id == last_run)
    _print_log(out, warnings, errors)
    seconds = time.monotonic() - started
    out.print(
        f"\nDemo finished in {seconds:.1f} s: {len(host.runs())} sync runs, "
        f"{len(warnings)} warning(s), {len(errors)} error(s). See them again with:\n"
        f"  acctivate-qbo log --config {directory / 'acctivate_qbo.toml'}\n"
        f"  acctivate-qbo status --config {directory / 'acctivate_qbo.toml'}"
    )
    return DemoResult(directory, len(host.runs()), len(warnings), len(errors), seconds)


def _step(out: Console, text: str) -> None:
    out.print(f"\n[bold]▶ {escape(text)}[/]")


def _play(host: FakeHost, sandbox: SandboxServer, out: Console) -> None:
    _step(out, "The host starts: the first sync brings the QuickBooks company in")
    host.start()
    host.wait_until_idle(60)

    erp = host.erp
    _step(out, "Products are set up, with their opening stock")
    products = [
        erp.create_product("PUMP-100", price="89.00", cost="52.00", description="Fountain pump"),
        erp.create_product("HOSE-25", price="24.50", cost="11.00", description="25 ft hose"),
        erp.create_product("FILTER-3", price="15.75", cost="6.20", description="Filter, 3 pack"),
        erp.create_product("INSTALL", kind="service", price="120.00", description="Installation"),
    ]
    for product in products[:3]:
        host.post_inventory(product, 40, memo="opening count")
    host.wait_until_idle(60)

    _step(out, "Customers are created (one with a name QuickBooks already uses)")
    customers = [
        host.create_customer("Garden Pros LLC", email="orders@gardenpros.example"),
        host.create_customer("Hillside Nursery", phone="(503) 555-0142"),
        host.create_customer("Amy's Bird Sanctuary"),  # QBO has her already: duplicate name
    ]
    host.wait_until_idle(60)

    _step(out, "A customer lookup is opened; invoices are posted (QuickBooks adds the tax)")
    host.open_lookup("customer")
    host.post_invoice(customers[0], [(products[0], 2, "89.00"), (products[3], 1, "120.00", False)])
    host.post_invoice(customers[1], [(products[1], 6, "24.50"), (products[2], 4, "15.75")])
    host.post_invoice(customers[2], [(products[2], 1, "15.75")])  # waits for its customer
    host.wait_until_idle(60)

    _step(out, "PO invoices are received from vendors that QuickBooks keeps")
    vendors = erp.rows(m.Vendor)
    host.post_po_invoice(vendors[0].id, [(products[0], 10, "52.00")], po_number="PO-1001")
    host.post_po_invoice(vendors[1].id, [(products[1], 20, "11.00")], po_number="PO-1002")
    host.wait_until_idle(60)

    _step(out, "Inventory is counted; a GL journal lands in a closed period")
    host.post_inventory(products[2], -3, memo="damaged in storage")
    close_date = date.fromisoformat(
        sandbox.entities("Preferences")[0]["AccountingInfoPrefs"]["BookCloseDate"]
    )
    erp.post_journal(
        [("Cost of Goods Sold", "18.60", "0"), ("Inventory Asset", "0", "18.60")],
        when=close_date - timedelta(days=3),
        memo="late cost correction",
    )
    host.wait_until_idle(60)

    _step(out, 'QuickBooks menu → "Sync with QuickBooks"')
    host.sync_now(60)


def _sync_log(host: FakeHost) -> list[LogRecord]:
    from acctivate_qbo_plugin.state.store import StateStore

    store = StateStore.open(host.database_url or "")
    try:
        return store.log_entries(limit=None, newest_first=False)
    finally:
        store.close()


def _unique(entries: Iterable[LogRecord]) -> list[LogRecord]:
    seen: dict[tuple[str, str | None, str], LogRecord] = {}
    for entry in entries:
        seen.setdefault((entry.section, entry.record, entry.message), entry)
    return list(seen.values())


def _print_log(out: Console, warnings: list[LogRecord], errors: list[LogRecord]) -> None:
    out.print(Rule("Sync log"))
    if warnings:
        out.print("[yellow]⚠ Warnings[/] (informational; the sync time moved on):")
        for entry in warnings:
            out.print(f"  • {escape(entry.section)}: {escape(entry.message)}")
    if errors:
        out.print("[red]✗ Errors[/] (must be fixed; those sections review them again):")
        for entry in errors:
            code = f" [QBO {entry.code}]" if entry.code and entry.code.isdigit() else ""
            out.print(f"  • {escape(entry.section)}{code}: {escape(entry.message)}")
            if entry.fix_hint:
                out.print(f"    [green]how to fix:[/] {escape(entry.fix_hint)}")
