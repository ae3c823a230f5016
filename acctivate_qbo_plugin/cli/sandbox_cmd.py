"""``acctivate-qbo sandbox``: run the local QBO sandbox server until interrupted.

Listed here for ``acctivate-qbo --help``; ``main`` hands the arguments straight to
:func:`acctivate_qbo_plugin.sandbox.cli.main`, which owns the options.
"""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        help="run the local QuickBooks Online sandbox server (--port N, --persist FILE, ...)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from acctivate_qbo_plugin.sandbox.cli import main

    return main([])
