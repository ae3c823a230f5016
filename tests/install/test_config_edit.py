"""Editing the administrator's config file in place (what ``connect`` does)."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from acctivate_qbo_plugin.config_edit import ConfigEditError, set_config_values
from acctivate_qbo_plugin.config_template import render_default_config

HAND_WRITTEN = """\
# Acme ERP — QuickBooks settings (ask Dana before changing)

[sync]
interval_minutes = 30   # the shop is busy

[qbo]
# which company
environment = "sandbox"  # switch to production in March
realm_id = "111"

[sections]
journals = false
"""


def test_setting_keys_keeps_every_comment_and_line(tmp_path: Path) -> None:
    path = tmp_path / "acctivate_qbo.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")

    set_config_values(
        path, "qbo", {"environment": "production", "realm_id": "9130", "client_id": "AB"}
    )

    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "# Acme ERP — QuickBooks settings (ask Dana before changing)",
        "",
        "[sync]",
        "interval_minutes = 30   # the shop is busy",
        "",
        "[qbo]",
        "# which company",
        'environment = "production"  # switch to production in March',
        'realm_id = "9130"',
        'client_id = "AB"',
        "",
        "[sections]",
        "journals = false",
    ]


def test_a_commented_default_becomes_the_active_line_under_its_description(tmp_path: Path) -> None:
    path = tmp_path / "acctivate_qbo.toml"
    path.write_text(render_default_config(), encoding="utf-8")
    before = path.read_text(encoding="utf-8").splitlines()

    set_config_values(path, "qbo", {"realm_id": "9130"})

    after = path.read_text(encoding="utf-8").splitlines()
    index = before.index('# realm_id = ""')
    assert after[index] == 'realm_id = "9130"'
    assert after[:index] == before[:index] and after[index + 1 :] == before[index + 1 :]
    assert after[index - 2].startswith("# The QBO company id")


def test_a_missing_table_is_appended_and_unset_keys_are_commented_out(tmp_path: Path) -> None:
    path = tmp_path / "acctivate_qbo.toml"
    path.write_text('[qbo]\nbase_url = "http://127.0.0.1:9"\nrealm_id = "1"\n', encoding="utf-8")

    set_config_values(path, "qbo", {"environment": "sandbox"}, unset=("base_url",))
    set_config_values(path, "database", {"url": "erp.db"})

    text = path.read_text(encoding="utf-8")
    assert '# base_url = "http://127.0.0.1:9"' in text
    data = tomllib.loads(text)
    assert data == {
        "qbo": {"realm_id": "1", "environment": "sandbox"},
        "database": {"url": "erp.db"},
    }


def test_a_file_that_does_not_exist_is_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "acctivate_qbo.toml"
    set_config_values(path, "qbo", {"realm_id": 'with "quotes" \\ and backslash'})
    assert tomllib.loads(path.read_text())["qbo"]["realm_id"] == 'with "quotes" \\ and backslash'


def test_an_inline_table_is_refused_and_the_file_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "acctivate_qbo.toml"
    path.write_text('qbo = { realm_id = "1" }\n', encoding="utf-8")

    with pytest.raises(ConfigEditError) as refused:
        set_config_values(path, "qbo", {"realm_id": "2"})

    assert 'by hand: realm_id = "2"' in str(refused.value)
    assert path.read_text(encoding="utf-8") == 'qbo = { realm_id = "1" }\n'


def test_a_broken_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "acctivate_qbo.toml"
    path.write_text("[qbo\nrealm_id = 1\n", encoding="utf-8")
    with pytest.raises(ConfigEditError, match="is not valid TOML"):
        set_config_values(path, "qbo", {"realm_id": "2"})


def test_the_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "acctivate_qbo.toml"
    path.write_text("[qbo]\n", encoding="utf-8")
    path.chmod(0o640)
    set_config_values(path, "qbo", {"realm_id": "2"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
