"""``acctivate-qbo sandbox``: run the local QBO sandbox until Ctrl+C."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from acctivate_qbo_plugin.sandbox.server import SandboxServer
from acctivate_qbo_plugin.sandbox.settings import DEFAULT_REALM_ID, SandboxSettings

DEFAULT_PORT = 8686


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acctivate-qbo sandbox",
        description="Run a local server that behaves like the QuickBooks Online v3 API.",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 = any free port)",
    )
    parser.add_argument("--realm", default=DEFAULT_REALM_ID, help="the company (realm) id to serve")
    parser.add_argument(
        "--persist", metavar="PATH", help="JSON file to load at start and save on exit"
    )
    parser.add_argument(
        "--timezone",
        default="America/Los_Angeles",
        help="company time zone: IANA name or offset like -07:00",
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds added to every API request (default 0)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    try:
        settings = SandboxSettings(
            port=args.port,
            realm_id=args.realm,
            persist_path=args.persist,
            company_timezone=args.timezone,
            latency=args.latency,
        )
    except ValueError as exc:
        print(f"acctivate-qbo sandbox: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    previous = _on_termination(stop)
    try:
        with SandboxServer(settings) as sandbox:
            print(f"QBO sandbox running at {sandbox.base_url}", flush=True)
            print(f"  token URL: {sandbox.token_url}", flush=True)
            print(f"  realm id:  {sandbox.realm_id}", flush=True)
            print("Press Ctrl+C to stop.", flush=True)
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
    except OSError as exc:
        print(f"acctivate-qbo sandbox: cannot listen on port {args.port}: {exc}", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print("QBO sandbox stopped.", flush=True)
    return 0


def _on_termination(stop: threading.Event) -> signal.Handlers | None:
    """SIGTERM stops the server like Ctrl+C does (only possible from the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    return signal.signal(signal.SIGTERM, handle)  # type: ignore[return-value]


if __name__ == "__main__":
    sys.exit(main())
