"""``acctivate-qbo connect``: authorize access to a QuickBooks Online company (OAuth 2).

The client secret comes from ``--client-secret-stdin``, ``$ACCTIVATE_QBO_CLIENT_SECRET``, the
token store (a reconnect of the same app) or a hidden prompt, never from an argument that
would land in the shell's history; it is never printed.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich.markup import escape

from acctivate_qbo_plugin.cli.common import (
    CommandError,
    add_config_option,
    config_path,
    console,
    load_settings,
    print_error,
)
from acctivate_qbo_plugin.config import Settings

if TYPE_CHECKING:
    from acctivate_qbo_plugin.connect import ConnectRequest, ConnectResult
    from acctivate_qbo_plugin.connection_status import ConnectionStatus

# Repeated here (and checked equal by the tests) so `--help` need not import the QBO client.
DEFAULT_REDIRECT_PORT = 8765
CLIENT_SECRET_ENV = "ACCTIVATE_QBO_CLIENT_SECRET"

STATE_STYLE = {
    "connected": "[green]✓ connected[/]",
    "warning": "[yellow]⚠ connected, act soon[/]",
    "not_connected": "[red]✗ not connected[/]",
    "expired": "[red]✗ expired[/]",
}


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "connect",
        allow_abbrev=False,
        help="connect a QuickBooks Online company (OAuth 2), or show the connection (--status)",
        description="Open Intuit's authorization page, receive the answer on this machine, "
        "store the tokens (mode 0600) and record the company in the config file. Register "
        f"http://localhost:{DEFAULT_REDIRECT_PORT}/callback as a redirect URI of the Intuit "
        "app first (or pass --redirect-port / --redirect-uri).",
    )
    add_config_option(parser)
    parser.add_argument(
        "--status",
        action="store_true",
        help="show the connected company, token expiry and refresh-token age (offline: "
        "never refreshes a token)",
    )
    parser.add_argument("--json", action="store_true", help="with --status: machine-readable")
    parser.add_argument(
        "--environment",
        choices=("sandbox", "production", "local"),
        help="Intuit's sandbox, production, or a local sandbox server (default: the "
        "config's [qbo] environment)",
    )
    parser.add_argument(
        "--client-id", metavar="ID", help="the Intuit app's client id (default: the config's)"
    )
    parser.add_argument(
        "--client-secret-stdin",
        action="store_true",
        help=f"read the client secret from the first line of standard input (else "
        f"${CLIENT_SECRET_ENV}, the token store, or a hidden prompt)",
    )
    parser.add_argument(
        "--redirect-port",
        type=int,
        metavar="N",
        help=f"loopback port for the redirect (default {DEFAULT_REDIRECT_PORT}; 0 = any free "
        "port, for a local sandbox)",
    )
    parser.add_argument(
        "--redirect-uri",
        metavar="URI",
        help="the redirect URI registered in the Intuit app; one that is not "
        "http://localhost:PORT/... (production needs https) means you paste the address the "
        "browser lands on back here",
    )
    parser.add_argument(
        "--paste",
        action="store_true",
        help="do not listen for the redirect: paste the address the browser lands on (for a "
        "browser on another machine, e.g. over SSH); needs --redirect-uri",
    )
    parser.add_argument(
        "--base-url", metavar="URL", help="with --environment local: the local sandbox's address"
    )
    parser.add_argument("--no-browser", action="store_true", help="print the address only")
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="how long to wait for the browser (default 300)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from acctivate_qbo_plugin.connect import ConnectError, connect

    try:
        settings = load_settings(args)
    except CommandError as exc:
        print_error(str(exc))
        return 2
    if args.status:
        return _status(settings, args.json)
    try:
        request = _request(args, settings)
    except CommandError as exc:
        print_error(str(exc))
        return 2
    except ConnectError as exc:
        print_error(str(exc))
        return 2
    out = console()

    def show_url(url: str, redirect_uri: str) -> None:
        out.print(
            f"Connecting to QuickBooks Online ({request.endpoints.environment}). Open this "
            "address in a browser, sign in and choose the company:"
        )
        out.print(escape(url), soft_wrap=True)
        if not request.paste and redirect_uri.startswith("http://localhost"):
            out.print(f"Waiting for the answer on {escape(redirect_uri)} …")
        else:
            out.print(
                "After approving, the browser goes to "
                f"{escape(redirect_uri)}: copy that whole address from the address bar."
            )
        out.file.flush()

    def read_pasted() -> str:
        out.print("Paste the address here and press Enter:")
        out.file.flush()
        line = sys.stdin.readline()
        if not line.strip():
            raise ConnectError("no address was pasted; nothing was stored")
        return line

    try:
        result = connect(
            config_path(args), settings, request, show_url=show_url, read_pasted=read_pasted
        )
    except ConnectError as exc:
        print_error(str(exc))
        return 1
    _print_result(result)
    return 0 if result.company_name else 1


def _request(args: argparse.Namespace, settings: Settings) -> ConnectRequest:
    from acctivate_qbo_plugin.connect import ConnectRequest, endpoints_for
    from acctivate_qbo_plugin.qbo import TokenStore, TokenStoreError
    from acctivate_qbo_plugin.services import token_store_path

    environment = args.environment or settings.qbo.environment
    endpoints = endpoints_for(environment, settings, args.base_url)
    store = TokenStore(token_store_path(settings))
    try:
        stored_id, stored_secret = store.client_credentials()
    except TokenStoreError as exc:
        raise CommandError(str(exc)) from None
    client_id = args.client_id or settings.qbo.client_id or stored_id
    if not client_id:
        raise CommandError(
            "no client id: pass --client-id with the Client ID from the Intuit app's Keys & "
            "credentials page (it is then kept in the config file)"
        )
    secret = _client_secret(args, stored_secret if stored_id == client_id else None)
    port = args.redirect_port
    if port is None:
        port = 0 if environment == "local" else DEFAULT_REDIRECT_PORT
    if not 0 <= port <= 65535:
        raise CommandError(f"--redirect-port {port} is not a port number (0-65535)")
    return ConnectRequest(
        endpoints=endpoints,
        client_id=client_id,
        client_secret=secret,
        redirect_port=port,
        redirect_uri=args.redirect_uri,
        open_browser=not args.no_browser,
        timeout_seconds=args.timeout,
        paste=args.paste,
    )


def _client_secret(args: argparse.Namespace, stored: str | None) -> str:
    if args.client_secret_stdin:
        secret = sys.stdin.readline().strip()
        if not secret:
            raise CommandError(
                "--client-secret-stdin: standard input has no secret on its first line"
            )
        return secret
    secret = os.environ.get(CLIENT_SECRET_ENV, "").strip() or stored
    if secret:
        return secret
    if not sys.stdin.isatty():
        raise CommandError(
            f"no client secret: pipe it in with --client-secret-stdin, or set {CLIENT_SECRET_ENV}"
        )
    secret = getpass.getpass("Client secret of the Intuit app (not shown): ").strip()
    if not secret:
        raise CommandError("no client secret was typed")
    return secret


def _when(value: datetime | None, now: datetime) -> str:
    if value is None:
        return "not reported by QuickBooks"
    delta = value - now
    days = abs(delta.total_seconds()) / 86400
    span = f"{days:.0f} days" if days >= 2 else f"{abs(delta.total_seconds()) / 3600:.1f} hours"
    relation = f"in {span}" if delta.total_seconds() >= 0 else f"{span} ago"
    return f"{value:%Y-%m-%d %H:%M} UTC ({relation})"


def _print_result(result: ConnectResult) -> None:
    out = console()
    now = datetime.now(UTC)
    if result.company_name:
        out.print(
            f"[green]✓[/] Connected to [bold]{escape(result.company_name)}[/] "
            f"(company {result.realm_id}, {result.environment})."
        )
    else:
        out.print(
            f"[yellow]⚠[/] Connected to company {result.realm_id} ({result.environment}), but "
            f"its name could not be read: {escape(result.company_problem or '')}"
        )
    out.print(f"  tokens     {escape(str(result.token_store))} (mode 0600)")
    out.print(
        f"  config     {escape(str(result.config_path))}: [qbo] realm_id, client_id, environment"
    )
    out.print(f"  access token expires  {_when(result.access_expires_at, now)}")
    out.print(
        f"  refresh token expires {_when(result.refresh_expires_at, now)} (renewed by every sync)"
    )
    if result.refresh_hard_expires_at is not None:
        out.print(f"  authorization ends    {_when(result.refresh_hard_expires_at, now)}")
    out.print(
        "Next: `acctivate-qbo sync` runs a first sync; `acctivate-qbo status` shows each section."
    )


def _status(settings: Settings, as_json: bool) -> int:
    from acctivate_qbo_plugin.connection_status import connection_status

    now = datetime.now(UTC)
    status = connection_status(settings, now)
    if as_json:
        console().print_json(json.dumps(status.as_json(now)))
    else:
        _print_status(status, now)
    return 0 if status.ok else 1


def _print_status(status: ConnectionStatus, now: datetime) -> None:
    out = console()
    out.print(f"QuickBooks connection: {STATE_STYLE[status.state]}")
    out.print(f"  environment   {status.environment}")
    out.print(f"  company       {status.realm_id or '—'}")
    out.print(f"  client id     {escape(status.client_id or '—')}")
    out.print(f"  token store   {escape(str(status.token_store))}")
    if status.refresh_issued_at is not None:
        age = status.refresh_age(now)
        assert age is not None
        out.print(f"  access token  expires {_when(status.access_expires_at, now)}")
        estimated = " (estimated: 100 days)" if status.refresh_expires_estimated else ""
        out.print(
            f"  refresh token issued {status.refresh_issued_at:%Y-%m-%d %H:%M} UTC "
            f"({age.days} days old); expires {_when(status.refresh_expires_at, now)}{estimated}"
        )
        out.print(f"  authorization ends {_when(status.refresh_hard_expires_at, now)}")
    for problem in status.problems:
        style = "[red]✗[/]" if not status.ok else "[yellow]⚠[/]"
        out.print(f"  {style} {escape(problem)}")
