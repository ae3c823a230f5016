"""The ``sandbox`` command: prints where it listens, serves, stops cleanly on Ctrl+C."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import requests

from acctivate_qbo_plugin.sandbox.cli import build_parser, main


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "acctivate_qbo_plugin.sandbox.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_it_prints_the_urls_serves_and_exits_0_on_sigint(tmp_path: Path) -> None:
    state = tmp_path / "cli-state.json"
    process = _start(
        "--port", "0", "--realm", "4620816365", "--persist", str(state), "--latency", "0"
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        token_line = process.stdout.readline()
        realm_line = process.stdout.readline()
        base_url = first.rsplit(" ", 1)[1].strip()
        assert base_url.startswith("http://127.0.0.1:")
        assert token_line.split(": ", 1)[1].strip() == f"{base_url}/oauth2/v1/tokens/bearer"
        assert realm_line.split(": ", 1)[1].strip() == "4620816365"
        answer = requests.get(f"{base_url}/v3/company/4620816365/customer/1", timeout=10)
        assert answer.status_code == 401  # it is up, and wants a token
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert "stopped" in out
    assert state.exists()  # saved on the way out
    assert "Traceback" not in err


def test_defaults_and_bad_arguments() -> None:
    args = build_parser().parse_args([])
    assert (args.port, args.realm, args.persist, args.timezone, args.latency) == (
        8686,
        "9341453050623570",
        None,
        "America/Los_Angeles",
        0.0,
    )
    assert main(["--timezone", "Mars/Olympus_Mons", "--port", "0"]) == 2
