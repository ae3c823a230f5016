"""``acctivate-qbo``: the command line (install, connect, sync, status, log, sandbox, ...)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from acctivate_qbo_plugin import __version__

__all__ = ["main"]

# Each command is a module with add_parser(subparsers) and run(args) -> exit code; imported
# only when chosen, so `acctivate-qbo --help` stays instant.
COMMANDS = {
    "install": "acctivate_qbo_plugin.cli.install_cmd",
    "connect": "acctivate_qbo_plugin.cli.connect_cmd",
    "demo": "acctivate_qbo_plugin.cli.demo_cmd",
    "sync": "acctivate_qbo_plugin.cli.sync_cmd",
    "status": "acctivate_qbo_plugin.cli.status_cmd",
    "log": "acctivate_qbo_plugin.cli.log_cmd",
    "sandbox": "acctivate_qbo_plugin.cli.sandbox_cmd",
}


def build_parser() -> argparse.ArgumentParser:
    import importlib

    parser = argparse.ArgumentParser(
        prog="acctivate-qbo",
        description="Keep a host inventory ERP in sync with QuickBooks Online.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        importlib.import_module(module).add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["sandbox"]:
        # The sandbox server has its own options (and --help); hand them over untouched.
        from acctivate_qbo_plugin.sandbox.cli import main as sandbox_main

        return sandbox_main(arguments[1:])
    if arguments[:1] == ["connect"] and any(
        a == "--client-secret" or a.startswith("--client-secret=") for a in arguments
    ):
        # Refused before argparse, which would echo the unknown argument (the secret) back.
        from acctivate_qbo_plugin.cli.common import print_error

        print_error(
            "the client secret is never taken from the command line (it would stay in the "
            "shell's history and the process list): use --client-secret-stdin, "
            "$ACCTIVATE_QBO_CLIENT_SECRET or the prompt"
        )
        return 2
    parser = build_parser()
    args = parser.parse_args(arguments)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from acctivate_qbo_plugin.cli.common import CommandError, print_error

    try:
        return int(args.handler(args) or 0)
    except CommandError as exc:
        print_error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
