"""Running ``acctivate-qbo`` as a user does: a separate process, real output, exit codes."""

from __future__ import annotations

import io
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

import pytest

__all__ = ["LineReader", "acctivate_qbo", "cli_env", "run_cli", "start_acctivate_qbo"]


def cli_env() -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    for name in ("ACCTIVATE_QBO_CONFIG", "ACCTIVATE_QBO_CLIENT_SECRET"):
        env.pop(name, None)
    return env


def acctivate_qbo(
    *args: str, cwd: Path, timeout: float = 120, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "acctivate_qbo_plugin", *args],
        cwd=cwd,
        env=cli_env(),
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_acctivate_qbo(*args: str, cwd: Path) -> subprocess.Popen[str]:
    """Start it with pipes for stdin, stdout and stderr (read stdout with :class:`LineReader`)."""
    return subprocess.Popen(
        [sys.executable, "-m", "acctivate_qbo_plugin", *args],
        cwd=cwd,
        env=cli_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
    )


class LineReader:
    """Reads a process's stdout on a thread, so a test can wait for a line with a timeout."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        """The first new line containing ``text``; AssertionError with what came instead."""
        while True:
            try:
                line = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"no line with {text!r} within {timeout} s; got:\n" + "\n".join(self.lines)
                ) from None
            if line is None:
                raise AssertionError(
                    f"output ended without {text!r}; got:\n" + "\n".join(self.lines)
                )
            self.lines.append(line)
            if text in line:
                return line

    def rest(self, timeout: float = 30.0) -> str:
        """Everything until the output ends."""
        while True:
            line = self._queue.get(timeout=timeout)
            if line is None:
                return "\n".join(self.lines)
            self.lines.append(line)


def run_cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    cwd: Path,
    stdin: str = "",
) -> tuple[int, str, str]:
    """The same entry point in this process (``main(argv)``): faster, for the many checks of
    what a command prints; the process-level behaviour has its own subprocess tests."""
    from acctivate_qbo_plugin.cli import main

    for name, value in cli_env().items():
        if name in ("COLUMNS", "NO_COLOR"):
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("ACCTIVATE_QBO_CONFIG", raising=False)
    monkeypatch.delenv("ACCTIVATE_QBO_CLIENT_SECRET", raising=False)
    monkeypatch.chdir(cwd)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err
