"""``acctivate-qbo install`` as an administrator runs it, on the test database."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from acctivate_qbo_plugin.config_template import config_keys
from acctivate_qbo_plugin.install import InstallError, install
from acctivate_qbo_plugin.migrate import PLUGIN_HISTORY, REFERENCE_HOST_HISTORY, revisions, upgrade
from acctivate_qbo_plugin.state.db import make_engine
from tests.cli.process import acctivate_qbo, run_cli

PLUGIN_HEAD = revisions(PLUGIN_HISTORY)[-1]
HOST_HEAD = revisions(REFERENCE_HOST_HISTORY)[-1]
SYNC_TABLES = {
    "tbSyncTime",
    "tbSyncRun",
    "tbSyncRunSection",
    "tbSyncLog",
    "tbSyncRetry",
    "tbSyncMap",
}


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_install_creates_the_tables_writes_the_config_and_checks(
    tmp_path: Path, acctivate_database_url: str
) -> None:
    config = tmp_path / "erp" / "acctivate_qbo.toml"

    done = acctivate_qbo(
        "install", "--config", str(config), "--database", acctivate_database_url, cwd=tmp_path
    )

    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert f"config    {config}: written" in out
    assert f"✓ sync tables: created at revision {PLUGIN_HEAD}" in out
    assert f"✓ reference host tables: created at revision {HOST_HEAD}" in out
    assert "✓ check: every table and column of the sync tables is in place" in out
    assert "✓ check: the config file parses (10 of 10 sections enabled)" in out
    assert "acctivate-qbo connect" in out  # what to do next
    tables = _tables(acctivate_database_url)
    assert tables >= SYNC_TABLES and {"tbCustomer", "tbInvoice", "tbProduct"} <= tables
    written = config.read_text(encoding="utf-8")
    assert tomllib.loads(written)["database"]["url"] == acctivate_database_url
    for key in config_keys():
        assert f"# {key.name} = " in written or f"{key.name} = " in written


def test_install_twice_changes_nothing_the_second_time(
    tmp_path: Path,
    acctivate_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ("install", "--config", "acctivate_qbo.toml", "--database", acctivate_database_url)
    assert run_cli(monkeypatch, capsys, *args, cwd=tmp_path)[0] == 0
    written = (tmp_path / "acctivate_qbo.toml").read_bytes()

    code, out, err = run_cli(monkeypatch, capsys, *args, cwd=tmp_path)

    assert code == 0, err
    assert "kept as it is" in out
    assert f"sync tables: already at revision {PLUGIN_HEAD} (nothing to do)" in out
    assert f"reference host tables: already at revision {HOST_HEAD}" in out
    assert (tmp_path / "acctivate_qbo.toml").read_bytes() == written


def test_install_upgrades_an_older_database_and_keeps_its_data(
    tmp_path: Path,
    acctivate_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    older = revisions(PLUGIN_HISTORY)[-2]
    upgrade(acctivate_database_url, PLUGIN_HISTORY, older)
    engine = make_engine(acctivate_database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO "tbSyncRun" (id, "trigger", sections, started_at, stopped_early) '
                "VALUES (7, 'menu', 'accounts', '2026-01-02 03:04:05', false)"
            )
        )
        connection.execute(
            text(
                'INSERT INTO "tbSyncLog" (run_id, section, level, logged_at, message) '
                "VALUES (7, 'accounts', 'error', '2026-01-02 03:04:06', 'kept')"
            )
        )

    code, out, err = run_cli(
        monkeypatch, capsys, "install", "--database", acctivate_database_url, cwd=tmp_path
    )

    assert code == 0, out + err
    assert f"upgraded from revision {older} to {PLUGIN_HEAD}" in out
    assert "the data was kept" in out
    with engine.connect() as connection:
        row = connection.execute(text('SELECT run_id, message FROM "tbSyncLog"')).one()
    engine.dispose()
    assert tuple(row) == (7, "kept")


def test_install_json_reports_each_schema(
    tmp_path: Path,
    acctivate_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_cli(
        monkeypatch, capsys, "install", "--json", "--no-host-schema",
        "--database", acctivate_database_url, cwd=tmp_path,
    )  # fmt: skip

    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] is True and report["config_action"] == "written"
    assert [s["name"] for s in report["schemas"]] == ["sync tables"]  # --no-host-schema
    assert report["schemas"][0]["after"] == PLUGIN_HEAD
    assert report["schemas"][0]["applied"] == revisions(PLUGIN_HISTORY)
    assert "tbCustomer" not in _tables(acctivate_database_url)


def test_a_conflicting_table_fails_the_install_with_the_reason(
    tmp_path: Path,
    acctivate_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = revisions(PLUGIN_HISTORY)[0]
    upgrade(acctivate_database_url, PLUGIN_HISTORY, first)
    engine = make_engine(acctivate_database_url)
    with engine.begin() as connection:
        connection.execute(text('CREATE TABLE "tbSyncMap" (note VARCHAR(10))'))
    args = ("install", "--config", "acctivate_qbo.toml", "--database", acctivate_database_url)

    code, _, err = run_cli(monkeypatch, capsys, *args, cwd=tmp_path)

    assert code == 1
    second = revisions(PLUGIN_HISTORY)[1]
    assert f"failed at revision {second}" in err
    assert "tbSyncMap" in err and "already exists" in err
    assert f"the database is at revision {first}" in err
    assert "Traceback" not in err
    with engine.begin() as connection:
        connection.execute(text('DROP TABLE "tbSyncMap"'))
    engine.dispose()
    code, out, err = run_cli(monkeypatch, capsys, *args, cwd=tmp_path)
    assert code == 0, err
    assert f"upgraded from revision {first} to {PLUGIN_HEAD}" in out


def test_a_bad_config_stops_the_install_before_the_database(
    tmp_path: Path,
    acctivate_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "acctivate_qbo.toml").write_text("[sync]\ninterval_minutes = 'often'\n")

    code, _, err = run_cli(
        monkeypatch, capsys, "install", "--database", acctivate_database_url, cwd=tmp_path
    )

    assert code == 2
    assert "acctivate_qbo.toml, line 2: [sync] interval_minutes must be a number" in err
    assert "run `acctivate-qbo install` again" in err
    assert not SYNC_TABLES & _tables(acctivate_database_url)


def test_a_database_option_that_contradicts_the_config_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "acctivate_qbo.toml").write_text('[database]\nurl = "erp.db"\n')

    code, _, err = run_cli(
        monkeypatch, capsys, "install", "--database", str(tmp_path / "other.db"), cwd=tmp_path
    )

    assert code == 2
    assert "says [database] url" in err and "other.db" in err
    assert not (tmp_path / "other.db").exists() and not (tmp_path / "erp.db").exists()


def test_without_options_the_tables_go_beside_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "install", cwd=tmp_path)

    assert code == 0, err
    assert f"database  sqlite:///{tmp_path / 'acctivate_qbo.db'}" in out
    assert _tables(f"sqlite:///{tmp_path / 'acctivate_qbo.db'}") >= SYNC_TABLES


def test_a_password_is_never_written_to_the_config_nor_printed(tmp_path: Path) -> None:
    config = tmp_path / "acctivate_qbo.toml"
    # Nothing listens on port 9: the install fails at the database, after the config step.
    url = "postgresql+psycopg://erp:s3cret-pw@127.0.0.1:9/erp?connect_timeout=2"

    with pytest.raises(InstallError) as failure:
        install(config, url)

    assert "s3cret-pw" not in str(failure.value)
    assert "could not reach the database" in str(failure.value)
    assert "s3cret-pw" not in config.read_text(encoding="utf-8")
    assert tomllib.loads(config.read_text(encoding="utf-8")).get("database", {}) == {}
