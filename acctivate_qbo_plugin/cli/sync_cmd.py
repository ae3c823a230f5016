"""``acctivate-qbo sync``: run every enabled section now, drawing the sync window."""

from __future__ import annotations

import argparse
from typing import Any

from acctivate_qbo_plugin.cli.common import (
    CliHost,
    CommandError,
    add_config_option,
    config_path,
    console,
    load_settings,
    print_error,
)
from acctivate_qbo_plugin.cli.sync_window import TerminalSyncWindow
from acctivate_qbo_plugin.engine import RunRequest
from acctivate_qbo_plugin.runtime import HostRuntime, RuntimeOptions
from acctivate_qbo_plugin.sections import default_catalog


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="run a sync now (exit code 1 if a section ends in error)",
        description="Run every enabled section now (or only those named, with their "
        "prerequisites), drawing each section's progress and result.",
    )
    add_config_option(parser)
    parser.add_argument(
        "--section",
        action="append",
        metavar="NAME",
        choices=default_catalog().names,
        help="only this section (and what it needs first); repeatable",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    out = console()
    try:
        load_settings(args)  # refuse a bad file here rather than syncing on defaults
    except CommandError as exc:
        print_error(str(exc))
        return 2
    path = config_path(args)
    host = CliHost(data_dir=path.parent)
    window = TerminalSyncWindow(out)
    host.pm.register(window, name="terminal-sync-window")
    runtime = HostRuntime(host, RuntimeOptions(config_path=path, watch_config=False))
    request = RunRequest(
        sections=frozenset(args.section or ()),
        every_section=not args.section,
        triggers=("cli",),
    )
    result = runtime.run_once(request)
    runtime.close()
    return 1 if result.outcome == "error" else 0
