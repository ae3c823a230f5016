"""``acctivate-qbo install``: create or upgrade the tables, write a default config, check both."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from acctivate_qbo_plugin.cli.common import add_config_option, config_path, console, print_error

if TYPE_CHECKING:
    from acctivate_qbo_plugin.install import InstallReport

CONFIG_ACTIONS = {
    "written": "written (every key listed, commented out, with its default)",
    "updated": "updated ([database] url set)",
    "kept": "kept as it is",
}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "install",
        help="create or upgrade the database tables and write a default config",
        description="Create or upgrade the plugin's tables (and the reference host's) with "
        "Alembic, write a commented default config file if there is none, and check the "
        "result. Safe to run again: after every upgrade of the package, run it once.",
    )
    add_config_option(parser)
    parser.add_argument(
        "--database",
        metavar="URL",
        help="SQLAlchemy URL or SQLite file for the tables (default: the config's "
        "[database] url, else acctivate_qbo.db beside the config file); written into a "
        "config that does not name one",
    )
    parser.add_argument(
        "--host-schema",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also create or upgrade the reference host's tables (default: yes; a host "
        "with its own schema passes --no-host-schema)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from acctivate_qbo_plugin.install import InstallError, install

    path = config_path(args)
    try:
        report = install(path, args.database, host_schema=args.host_schema)
    except InstallError as exc:
        if args.json:
            console().print_json(json.dumps({"ok": False, "error": str(exc)}))
        else:
            print_error(str(exc))
        return exc.exit_code
    if args.json:
        console().print_json(json.dumps(_as_json(report)))
    else:
        _print(report)
    return 0


def _as_json(report: InstallReport) -> dict[str, Any]:
    return {
        "ok": True,
        "config": str(report.config_path),
        "config_action": report.config_action,
        "database": report.database_url,
        "schemas": [
            {
                "name": u.history.name,
                "version_table": u.history.version_table,
                "before": u.before,
                "after": u.after,
                "applied": list(u.applied),
            }
            for u in report.upgrades
        ],
        "checks": report.checks,
        "notes": report.notes,
    }


def _print(report: InstallReport) -> None:
    out = console()
    out.print("[bold]acctivate-qbo install[/]")
    out.print(
        f"  config    {escape(str(report.config_path))}: {CONFIG_ACTIONS[report.config_action]}"
    )
    out.print(f"  database  {escape(report.database_url)}")
    for upgrade in report.upgrades:
        name = upgrade.history.name
        if not upgrade.applied:
            what = f"already at revision {upgrade.after} (nothing to do)"
        elif upgrade.before is None:
            what = f"created at revision {upgrade.after} (ran {', '.join(upgrade.applied)})"
        else:
            what = (
                f"upgraded from revision {upgrade.before} to {upgrade.after} "
                f"(ran {', '.join(upgrade.applied)}; the data was kept)"
            )
        out.print(f"  [green]✓[/] {name}: {what}")
    for check in report.checks:
        out.print(f"  [green]✓[/] check: {escape(check)}")
    for note in report.notes:
        out.print(f"  [yellow]⚠[/] note: {escape(note)}")
    out.print(
        "Next: `acctivate-qbo connect` connects a QuickBooks Online company; "
        "`acctivate-qbo status` shows each section."
    )
