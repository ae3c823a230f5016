"""Finding, reading and checking the config file."""

from __future__ import annotations

from pathlib import Path

import pytest

from acctivate_qbo_plugin.config import (
    ConfigError,
    Settings,
    config_path_for,
    default_database_url,
    parse_settings,
)
from acctivate_qbo_plugin.sections import DEFAULT_SECTION_NAMES

GOOD = """
[sync]
interval_minutes = 5
debounce_seconds = 1.5
max_delay_seconds = 8
on_record_error = "quarantine"

[sections]
payments = false

[database]
url = "sync.db"

[qbo]
environment = "production"
realm_id = "9130350000000001"
client_id = "ABcd"
minor_version = 75
"""


def test_a_full_file_is_read(tmp_path: Path) -> None:
    settings = parse_settings(GOOD, tmp_path / "acctivate_qbo.toml", DEFAULT_SECTION_NAMES)
    assert settings.sync.interval_minutes == 5.0
    assert settings.sync.debounce_seconds == 1.5
    assert settings.sync.on_record_error == "quarantine"
    assert settings.enabled("payments") is False and settings.enabled("customers") is True
    assert settings.qbo.environment == "production" and settings.qbo.realm_id == "9130350000000001"
    # A relative SQLite path is beside the config file, wherever the host runs from.
    assert default_database_url(settings, None) == f"sqlite:///{tmp_path / 'sync.db'}"


def test_no_file_gives_working_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.sync.debounce_seconds == 2 and settings.sync.max_delay_seconds == 10
    assert settings.sync.interval_minutes == 15 and settings.sync.on_record_error == "hold"
    assert default_database_url(settings, None) == f"sqlite:///{tmp_path / 'acctivate_qbo.db'}"
    assert default_database_url(settings, "postgresql://h/erp") == "postgresql://h/erp"


def test_max_delay_below_debounce_is_refused() -> None:
    with pytest.raises(ConfigError, match="max_delay_seconds must be at least debounce_seconds"):
        parse_settings("[sync]\ndebounce_seconds = 5\nmax_delay_seconds = 1\n", None, ())


def test_a_boolean_is_not_a_number() -> None:
    with pytest.raises(ConfigError, match="must be a number"):
        parse_settings("[sync]\ndebounce_seconds = true\n", None, ())


def test_a_negative_number_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"line 2.*must not be negative"):
        parse_settings("[sync]\noverlap_seconds = -1\n", Path("x.toml"), ())


def test_the_environment_variable_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCTIVATE_QBO_CONFIG", str(tmp_path / "elsewhere.toml"))
    assert config_path_for(tmp_path / "data") == tmp_path / "elsewhere.toml"


def test_the_host_data_directory_then_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACCTIVATE_QBO_CONFIG", raising=False)
    data, work = tmp_path / "data", tmp_path / "work"
    data.mkdir()
    work.mkdir()
    monkeypatch.chdir(work)
    assert config_path_for(data) == data / "acctivate_qbo.toml"  # neither exists: the host's
    (work / "acctivate_qbo.toml").write_text("")
    assert config_path_for(data) == work / "acctivate_qbo.toml"  # only the working dir has one
    (data / "acctivate_qbo.toml").write_text("")
    assert config_path_for(data) == data / "acctivate_qbo.toml"  # the host's wins
    assert config_path_for(None) == work / "acctivate_qbo.toml"
