"""``acctivate-qbo sync``: run every enabled section now, drawing the sync window."""

from __future__ import annotations

import argparse
from typing import Any

from acctivate_qbo_plugin.cli.common import (
    CliHost,
    CommandError,
    add_config_option,
    check_section,
    config_path,
    console,
    load_settings,
    print_error,
    upgrade_tables,
)


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
        help="only this section (and what it needs first); repeatable",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from acctivate_qbo_plugin.cli.sync_window import TerminalSyncWindow
    from acctivate_qbo_plugin.engine import RunRequest
    from acctivate_qbo_plugin.runtime import HostRuntime, RuntimeOptions

    out = console()
    for name in args.section or ():
        check_section(name)
    try:
        settings = load_settings(args)  # refuse a bad file here rather than syncing on defaults
    except CommandError as exc:
        print_error(str(exc))
        return 2
    path = config_path(args)
    upgrade_tables(settings)  # the safe way, before the runtime opens them
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
