"""``acctivate-qbo status``: per section — switch, sync time, last outcome, how far behind,
retry list and the oldest unresolved error; ``--json`` for scripts.

"How far behind" counts records changed since each section last reviewed them: on the host
side always (an index count), on the QBO side when connected (one ``COUNT`` query per QBO
entity of the pulling sections) unless ``--offline``.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from acctivate_qbo_plugin.cli.common import (
    CommandError,
    add_config_option,
    console,
    load_settings,
    open_store,
    print_error,
)
from acctivate_qbo_plugin.cli.sync_window import SYMBOLS

if TYPE_CHECKING:
    from acctivate_qbo_plugin.backlog import Waiting


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "status",
        help="show each section: sync time, last outcome, records waiting, errors",
        description="Each section's switch, sync time and last outcome, how many records "
        "wait on each side, its retry list and the oldest error still unresolved.",
    )
    add_config_option(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--offline",
        action="store_true",
        help="do not ask QuickBooks how many records wait there (host counts only)",
    )
    parser.set_defaults(handler=run)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def run(args: argparse.Namespace) -> int:
    from acctivate_qbo_plugin.backlog import host_waiting
    from acctivate_qbo_plugin.hostdata import ReferenceHostData
    from acctivate_qbo_plugin.sections import default_catalog
    from acctivate_qbo_plugin.state.reports import oldest_retries, unresolved_errors

    try:
        settings = load_settings(args)
    except CommandError as exc:
        print_error(str(exc))
        return 2
    catalog = default_catalog()
    store = open_store(settings)
    try:
        states = store.section_states(catalog.names)
        times = store.sync_times()
        errors = unresolved_errors(store, catalog.names)
        retries = oldest_retries(store, catalog.names)
        host = host_waiting(ReferenceHostData(store.engine).count_changed, catalog, times, settings)
    finally:
        store.close()
    qbo, qbo_note = _qbo_side(args.offline, settings, catalog, times)
    rows = []
    for s in states:
        error, retry = errors.get(s.section), retries.get(s.section)
        host_side = host.get(s.section)
        qbo_side = qbo.get(s.section)
        rows.append(
            {
                "section": s.section,
                "direction": catalog.get(s.section).direction.value,
                "enabled": settings.enabled(s.section),
                "sync_time": _iso(s.sync_time),
                "qbo_sync_time": _iso(s.qbo_sync_time),
                "last_outcome": s.last_outcome,
                "last_finished_at": _iso(s.last_finished_at),
                "waiting": {
                    "host_to_qbo": host_side.count if host_side else None,
                    "qbo_to_host": qbo_side.count if qbo_side else None,
                },
                "retry_count": s.retry_count,
                "oldest_retry": None
                if retry is None
                else {
                    "record": retry.record,
                    "first_failed_at": retry.first_failed_at.isoformat(),
                    "attempts": retry.attempts,
                    "code": retry.code,
                    "message": retry.message,
                },
                "oldest_unresolved_error": None
                if error is None
                else {
                    "logged_at": error.logged_at.isoformat(),
                    "run_id": error.run_id,
                    "record": error.record,
                    "code": error.code,
                    "message": error.message,
                    "fix_hint": error.fix_hint,
                    "failed_runs": error.failed_runs,
                },
            }
        )
    notes = sorted({w.note for w in [*host.values(), *qbo.values()] if w.note})
    if qbo_note:
        notes.insert(0, qbo_note)
    out = console()
    if args.json:
        document = {"config": str(settings.path), "qbo_counts": qbo_note or "counted"}
        out.print_json(json.dumps({**document, "sections": rows, "notes": notes}))
        return 0
    _print(rows, settings.path, notes)
    return 0


def _qbo_side(
    offline: bool, settings: Any, catalog: Any, times: Any
) -> tuple[dict[str, Waiting], str | None]:
    from acctivate_qbo_plugin.backlog import open_counting_client, qbo_waiting

    if offline:
        return {}, "offline: QuickBooks was not asked (--offline)"
    try:
        client = open_counting_client(settings)
    except Exception as exc:
        return {}, f"QuickBooks was not asked: {exc}"
    try:
        return qbo_waiting(client, catalog, times, settings), None
    finally:
        client.close()


def _age(value: str | None, now: datetime) -> str:
    if value is None:
        return "never"
    seconds = (now - datetime.fromisoformat(value)).total_seconds()
    if seconds < 90:
        return f"{max(seconds, 0):.0f} s ago"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min ago"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h ago"
    return f"{seconds / 86400:.0f} days ago"


def _count(value: int | None, applies: bool) -> str:
    if not applies:
        return "[dim]·[/]"
    return "?" if value is None else (str(value) if value else "0")


def _print(rows: list[dict[str, Any]], path: Any, notes: list[str]) -> None:
    out = console()
    now = datetime.now(UTC)
    table = Table(title=f"acctivate-qbo status ({escape(str(path or 'default settings'))})")
    for column in ("section", "on", "last run", "synced up to", "waiting →QBO", "waiting →host"):
        table.add_column(column)
    table.add_column("retry", justify="right")
    for row in rows:
        outcome = row["last_outcome"]
        direction = row["direction"]
        table.add_row(
            row["section"],
            "yes" if row["enabled"] else "[dim]no[/]",
            f"{SYMBOLS.get(outcome or '', '–')} {outcome or 'never'}"
            + (f" {_age(row['last_finished_at'], now)}" if row["last_finished_at"] else ""),
            _age(row["sync_time"], now),
            _count(row["waiting"]["host_to_qbo"], direction != "qbo_to_host"),
            _count(row["waiting"]["qbo_to_host"], direction != "host_to_qbo"),
            str(row["retry_count"] or ""),
        )
    out.print(table)
    for note in notes:
        out.print(f"[dim]note: {escape(note)}[/]")
    problems = [r for r in rows if r["oldest_unresolved_error"] or r["oldest_retry"]]
    if not problems:
        return
    out.print("[bold]Unresolved[/] (fix the oldest first: later errors often follow from it):")
    for row in problems:
        error, retry = row["oldest_unresolved_error"], row["oldest_retry"]
        if error:
            code = f" [QBO {error['code']}]" if (error["code"] or "").isdigit() else ""
            record = f" {error['record']}:" if error["record"] else ""
            out.print(
                f"  [red]✗[/] {row['section']}: failing since {error['logged_at'][:19]} "
                f"({error['failed_runs']} run(s)){escape(code)}{escape(record)} "
                f"{escape(error['message'])}"
            )
            if error["fix_hint"]:
                out.print(f"      [dim]how to fix:[/] {escape(error['fix_hint'])}")
        if retry:
            out.print(
                f"  [yellow]↻[/] {row['section']}: {row['retry_count']} record(s) on the retry "
                f"list, the oldest {escape(retry['record'])} since "
                f"{retry['first_failed_at'][:19]} ({retry['attempts']} attempts): "
                f"{escape(retry['message'])}"
            )
    out.print("Details: `acctivate-qbo log --level error`.")
