"""``acctivate-qbo status``: each section's switch, sync time and last outcome."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

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
from acctivate_qbo_plugin.sections import default_catalog


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("status", help="show each section's state")
    add_config_option(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args)
    except CommandError as exc:
        print_error(str(exc))
        return 2
    catalog = default_catalog()
    store = open_store(settings)
    try:
        states = store.section_states(catalog.names)
    finally:
        store.close()
    rows = [
        {
            "section": s.section,
            "direction": catalog.get(s.section).direction.value,
            "enabled": settings.enabled(s.section),
            "sync_time": _iso(s.sync_time),
            "qbo_sync_time": _iso(s.qbo_sync_time),
            "last_outcome": s.last_outcome,
            "last_finished_at": _iso(s.last_finished_at),
            "retry_count": s.retry_count,
        }
        for s in states
    ]
    out = console()
    if args.json:
        out.print_json(json.dumps({"config": str(settings.path), "sections": rows}))
        return 0
    table = Table(title=f"acctivate-qbo status ({settings.path or 'default settings'})")
    for column in ("section", "direction", "enabled", "sync time (UTC)", "last run", "retry"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["section"],
            row["direction"],
            "yes" if row["enabled"] else "[dim]no[/]",
            (row["sync_time"] or "never")[:19],
            SYMBOLS.get(row["last_outcome"] or "", "–") + f" {row['last_outcome'] or ''}",
            str(row["retry_count"] or ""),
        )
    out.print(table)
    return 0
