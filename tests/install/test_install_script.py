"""``install/install.sh``: a virtual environment, the package, then ``acctivate-qbo install``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect

from acctivate_qbo_plugin.state.db import make_engine

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "install" / "install.sh"


def _run(*args: str, cwd: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHON")}
    return subprocess.run(
        ["sh", str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


@pytest.mark.slow
def test_install_sh_builds_a_venv_installs_the_package_and_the_tables(
    tmp_path: Path, acctivate_database_url: str
) -> None:
    if not acctivate_database_url.startswith("sqlite"):
        # A fresh venv and pip take ~12 s; once per CI run is enough. The PostgreSQL pass runs
        # `acctivate-qbo install` itself against PostgreSQL (test_install_command.py).
        pytest.skip("the install script runs in the SQLite pass")
    venv = tmp_path / "venv"
    config = tmp_path / "erp" / "acctivate_qbo.toml"

    done = _run(
        "--venv", str(venv), "--python", sys.executable, "--pip-args", "--quiet",
        "--", "--config", str(config), "--database", acctivate_database_url,
        cwd=tmp_path, timeout=240,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (venv / "bin" / "acctivate-qbo").exists()
    assert "✓ sync tables: created at revision" in done.stdout
    assert f"acctivate-qbo is installed: {venv}/bin/acctivate-qbo" in done.stdout
    assert config.exists()
    engine = make_engine(acctivate_database_url)
    try:
        assert {"tbSyncTime", "tbSyncMap", "tbCustomer"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_install_sh_explains_an_unknown_option(tmp_path: Path) -> None:
    done = _run("--venvv", "x", cwd=tmp_path)
    assert done.returncode == 2
    assert "unknown option --venvv" in done.stderr and "--venv DIR" in done.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "acctivate-qbo-venv").exists()


def test_install_sh_refuses_a_python_older_than_3_11(tmp_path: Path) -> None:
    old = tmp_path / "python3.9"
    old.write_text(
        '#!/bin/sh\ncase "$2" in *version_info*) exit 1 ;; *python_version*) echo 3.9.18 ;; esac\n'
    )
    old.chmod(0o755)

    done = _run("--python", str(old), cwd=tmp_path)

    assert done.returncode == 2
    assert "is Python 3.9.18; acctivate-qbo needs 3.11 or newer" in done.stderr
    assert not (tmp_path / "acctivate-qbo-venv").exists()


def test_install_sh_help_lists_its_options(tmp_path: Path) -> None:
    done = _run("--help", cwd=tmp_path)
    assert done.returncode == 0
    for option in ("--venv", "--python", "--package", "--extras", "--pip-args", "--config"):
        assert option in done.stdout
