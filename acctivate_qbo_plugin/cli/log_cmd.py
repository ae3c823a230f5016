"""``acctivate-qbo log``: the sync log, newest first, each error with how to fix it."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from rich.markup import escape

from acctivate_qbo_plugin.cli.common import (
    CommandError,
    add_config_option,
    console,
    load_settings,
    open_store,
    print_error,
)
from acctivate_qbo_plugin.state.store import LogRecord

LEVEL_STYLE = {"warning": "[yellow]⚠ warning[/]", "error": "[red]✗ error[/]"}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("log", help="show the sync log (warnings and errors)")
    add_config_option(parser)
    parser.add_argument("--run", type=int, metavar="ID", help="only this run")
    parser.add_argument("--section", metavar="NAME", help="only this section")
    parser.add_argument("--level", choices=("warning", "error"), help="only this level")
    parser.add_argument(
        "--since", type=_timestamp, metavar="TIME", help="only entries at or after (ISO 8601)"
    )
    parser.add_argument("--record", metavar="TEXT", help="only records whose name contains TEXT")
    parser.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def _timestamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date or time; use e.g. 2026-11-25 or 2026-11-25T14:30"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args)
    except CommandError as exc:
        print_error(str(exc))
        return 2
    store = open_store(settings)
    try:
        entries = store.log_entries(
            run_id=args.run,
            section=args.section,
            level=args.level,
            since=args.since,
            record=args.record,
            limit=args.limit,
        )
    finally:
        store.close()
    out = console()
    if args.json:
        out.print_json(json.dumps([_as_json(e) for e in entries]))
        return 0
    if not entries:
        out.print("The sync log is empty for these filters.")
        return 0
    for entry in entries:
        out.print(render(entry))
    return 0


def _as_json(entry: LogRecord) -> dict[str, Any]:
    data = asdict(entry)
    data["logged_at"] = entry.logged_at.isoformat()
    return data


def render(entry: LogRecord) -> str:
    where = f"run {entry.run_id} · {entry.section}" if entry.run_id else entry.section
    code = f" [QBO {entry.code}]" if entry.code and entry.code.isdigit() else ""
    record = f" {escape(entry.record)}:" if entry.record else ""
    line = (
        f"{entry.logged_at:%Y-%m-%d %H:%M:%S} {LEVEL_STYLE.get(entry.level, entry.level)} "
        f"({where}){code}{record} {escape(entry.message)}"
    )
    if entry.fix_hint:
        line += f"\n    [dim]how to fix:[/] {escape(entry.fix_hint)}"
    return line
