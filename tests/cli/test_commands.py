"""The command line, run as a user runs it: a separate process, real output, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from acctivate_qbo_plugin.local_setup import connect_local_sandbox, write_config


def acctivate_qbo(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}
    env.pop("ACCTIVATE_QBO_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "acctivate_qbo_plugin", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def company(tmp_path: Path, qbo_sandbox, acctivate_database_url: str) -> Path:
    connect_local_sandbox(tmp_path, qbo_sandbox, {"database": {"url": acctivate_database_url}})
    return tmp_path


def test_sync_draws_each_section_and_exits_zero(company: Path) -> None:
    done = acctivate_qbo("sync", cwd=company)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Sync run 1 (cli)" in done.stdout
    for section in ("accounts", "code_tables", "customers", "payments"):
        assert f"✓ {section}" in done.stdout
    assert "✓ success" in done.stdout


def test_sync_exits_one_when_a_section_ends_in_error(company: Path, qbo_sandbox) -> None:
    from acctivate_qbo_plugin.reference_host.erp import ReferenceErp
    from acctivate_qbo_plugin.state.db import make_engine

    assert acctivate_qbo("sync", cwd=company).returncode == 0
    config = (company / "acctivate_qbo.toml").read_text()
    url = json.loads(config.split("url = ", 1)[1].splitlines()[0])
    erp = ReferenceErp(make_engine(url))
    erp.post_journal(
        [("Cost of Goods Sold", "5.00", "0"), ("Inventory Asset", "0", "4.00")], number="GL-CLI"
    )
    done = acctivate_qbo("sync", "--section", "journals", cwd=company)
    assert done.returncode == 1
    assert "✗ journals" in done.stdout
    assert "journal GL-CLI is out of balance" in done.stdout
    assert "Sync run 2 (cli): accounts, journals" in done.stdout


def test_status_and_log_as_json(company: Path) -> None:
    acctivate_qbo("sync", cwd=company)
    status = acctivate_qbo("status", "--json", cwd=company)
    assert status.returncode == 0, status.stderr
    sections = {s["section"]: s for s in json.loads(status.stdout)["sections"]}
    assert sections["accounts"]["last_outcome"] == "success"
    assert sections["accounts"]["sync_time"] is not None
    assert sections["items"]["direction"] == "host_to_qbo"
    log = acctivate_qbo("log", "--json", "--level", "error", cwd=company)
    assert log.returncode == 0 and json.loads(log.stdout) == []


def test_a_bad_config_is_exit_two_with_file_and_line(tmp_path: Path) -> None:
    write_config(tmp_path, {"sync": {"debounce_seconds": "soon"}})
    for command in ("sync", "status", "log"):
        done = acctivate_qbo(command, cwd=tmp_path)
        assert done.returncode == 2
        assert "acctivate_qbo.toml, line 2: [sync] debounce_seconds must be a number" in done.stderr


def test_the_demo_runs_the_whole_loop_in_under_a_minute(tmp_path: Path) -> None:
    done = acctivate_qbo("demo", "--dir", str(tmp_path / "demo"), cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "Sync run 1 (startup)" in out and "(menu)" in out
    assert "✓ accounts" in out and "✗ customers" in out and "⚠ Warnings" in out
    assert "indicator: ⚠ attention" in out
    assert "total changed from" in out  # the warning: QuickBooks computed the tax
    assert "[QBO 6240]" in out and "rename one of them, then sync" in out
    assert "closing date" in out and "move the closing date back" in out
    assert "Demo finished in" in out
