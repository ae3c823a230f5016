"""``acctivate-qbo demo``: the whole loop against the local sandbox, with a scripted session."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from acctivate_qbo_plugin.cli.common import console


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run the whole loop on the local QBO sandbox with a scripted working session",
        description="Creates a SQLite host database with sample data, starts the local QBO "
        "sandbox and a fake host with the plugin, plays a short working session, draws the "
        "sync window live and prints the sync log with how to fix each error.",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path("acctivate-qbo-demo"),
        help="where the demo's database and config go (default: ./acctivate-qbo-demo)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from acctivate_qbo_plugin.demo import run_demo

    run_demo(args.dir.resolve(), console())
    return 0
