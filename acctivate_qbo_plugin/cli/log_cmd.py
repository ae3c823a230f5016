"""``acctivate-qbo log``: the sync log, newest first, each error with how to fix it.

``--follow`` prints the latest entries oldest first, then every new one as a sync writes it
(and each run starting and finishing) until Ctrl+C; with ``--json`` it prints one JSON object
per line, so a script can read the stream line by line.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from acctivate_qbo_plugin.cli.common import (
    CommandError,
    add_config_option,
    check_section,
    console,
    load_settings,
    open_store,
    print_error,
)
from acctivate_qbo_plugin.cli.sync_window import SYMBOLS

if TYPE_CHECKING:
    from acctivate_qbo_plugin.state.reports import RunEvent
    from acctivate_qbo_plugin.state.store import LogRecord, StateStore

LEVEL_STYLE = {"warning": "[yellow]⚠ warning[/]", "error": "[red]✗ error[/]"}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "log",
        help="show the sync log (warnings and errors); --follow while a sync runs",
        description="The sync log, newest first, each error with how to fix it.",
    )
    add_config_option(parser)
    parser.add_argument("--run", type=int, metavar="ID", help="only this run")
    parser.add_argument("--section", metavar="NAME", help="only this section")
    parser.add_argument("--level", choices=("warning", "error"), help="only this level")
    parser.add_argument(
        "--since", type=_timestamp, metavar="TIME", help="only entries at or after (ISO 8601)"
    )
    parser.add_argument("--record", metavar="TEXT", help="only records whose name contains TEXT")
    parser.add_argument(
        "--limit", type=_positive, default=50, help="at most this many (default 50)"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--follow",
        "-f",
        action="store_true",
        help="keep printing new entries (oldest first) until Ctrl+C",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="with --follow: how often to look for new entries (default 1)",
    )
    parser.set_defaults(handler=run)


def _timestamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date or time; use e.g. 2026-11-25 or 2026-11-25T14:30"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "run_id": args.run,
        "section": args.section,
        "level": args.level,
        "since": args.since,
        "record": args.record,
    }


def run(args: argparse.Namespace) -> int:
    check_section(args.section)
    try:
        settings = load_settings(args)
    except CommandError as exc:
        print_error(str(exc))
        return 2
    store = open_store(settings)
    try:
        if args.follow:
            return follow(store, args, console(), sleep=time.sleep)
        entries = store.log_entries(**_filters(args), limit=args.limit)
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


def follow(
    store: StateStore,
    args: argparse.Namespace,
    out: Console,
    *,
    sleep: Callable[[float], None],
    rounds: int | None = None,
) -> int:
    """Print the latest entries, then poll for new ones every ``args.interval`` seconds.

    Each poll reads the runs first, then the log: every entry a finished run wrote is then
    already in the log, so it prints between that run's start and finish lines.

    :param rounds: stop after this many polls (None: until Ctrl+C); for tests.
    """

    filters = _filters(args)
    recent = store.log_entries(**filters, limit=args.limit)
    last_id = max([e.id for e in recent] or [_newest_log_id(store)])
    runs = _RunWatch(store, args)
    if not args.json:
        where = store.engine.url.render_as_string(hide_password=True)
        out.print(f"[dim]Following the sync log in {escape(where)} (Ctrl+C to stop)…[/]")
    _emit(out, args.json, reversed(recent))
    try:
        done = 0
        while rounds is None or done < rounds:
            sleep(args.interval)
            done += 1
            started, finished = runs.poll()
            _emit_runs(out, args.json, started, _started)
            new = store.log_entries(**filters, after_id=last_id, limit=None, newest_first=False)
            if new:
                last_id = new[-1].id
            _emit(out, args.json, new)
            _emit_runs(out, args.json, finished, _finished)
    except KeyboardInterrupt:
        out.file.flush()
    return 0


class _RunWatch:
    """Which runs started and finished since the last poll (those the filters concern)."""

    def __init__(self, store: StateStore, args: argparse.Namespace) -> None:
        from acctivate_qbo_plugin.state.reports import latest_run_id, run_event

        self.store = store
        self.run_id: int | None = args.run
        self.section: str | None = args.section
        self.last_seen = latest_run_id(store)
        latest = run_event(store, self.last_seen) if self.last_seen else None
        self.open = {latest.run_id} if latest and latest.finished_at is None else set()

    def _concerns(self, event: RunEvent) -> bool:
        if self.run_id is not None and event.run_id != self.run_id:
            return False
        return self.section is None or self.section in event.sections

    def poll(self) -> tuple[list[RunEvent], list[RunEvent]]:
        from acctivate_qbo_plugin.state.reports import run_event, run_events_after

        started = run_events_after(self.store, self.last_seen)
        if started:
            self.last_seen = started[-1].run_id
        watched = [e for e in (run_event(self.store, r) for r in sorted(self.open)) if e]
        finished = [e for e in [*watched, *started] if e.finished_at is not None]
        self.open = {e.run_id for e in [*watched, *started] if e.finished_at is None}
        return (
            [e for e in started if self._concerns(e)],
            [e for e in finished if self._concerns(e)],
        )


def _newest_log_id(store: StateStore) -> int:
    newest = store.log_entries(limit=1)
    return newest[0].id if newest else 0


def _emit(out: Console, as_json: bool, entries: Any) -> None:
    for entry in entries:
        if as_json:
            out.file.write(json.dumps(_as_json(entry)) + "\n")
        else:
            out.print(render(entry))
    out.file.flush()


def _emit_runs(
    out: Console, as_json: bool, events: list[RunEvent], line: Callable[[RunEvent], str]
) -> None:
    """Run lines go to the terminal only: ``--json`` streams log entries alone."""
    if as_json:
        return
    for event in events:
        out.print(line(event))
    out.file.flush()


def _started(event: RunEvent) -> str:
    sections = ", ".join(event.sections) or "nothing enabled"
    return f"[bold]▶ run {event.run_id}[/] ({escape(event.trigger)}) started: {sections}"


def _finished(event: RunEvent) -> str:
    outcome = event.outcome or "?"
    seconds = (event.finished_at - event.started_at).total_seconds() if event.finished_at else 0.0
    return (
        f"[bold]■ run {event.run_id}[/] finished: {SYMBOLS.get(outcome, '')} {outcome} "
        f"in {seconds:.1f} s"
    )


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
        f"({where}){escape(code)}{record} {escape(entry.message)}"
    )
    if entry.fix_hint:
        line += f"\n    [dim]how to fix:[/] {escape(entry.fix_hint)}"
    return line
