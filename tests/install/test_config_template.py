"""The default config file ``install`` writes: every key, commented, with its real default."""

from __future__ import annotations

import dataclasses
import re

from acctivate_qbo_plugin.config import (
    DatabaseSettings,
    QboSettings,
    Settings,
    SyncSettings,
    parse_settings,
)
from acctivate_qbo_plugin.config_template import config_keys, render_default_config
from acctivate_qbo_plugin.sections import default_catalog

SECTIONS = default_catalog().names
TEXT = render_default_config()


def test_every_key_of_every_table_is_listed_with_its_description() -> None:
    declared = {
        (table, field.name)
        for table, cls in (
            ("sync", SyncSettings),
            ("database", DatabaseSettings),
            ("qbo", QboSettings),
        )
        for field in dataclasses.fields(cls)
    }
    assert {(k.table, k.name) for k in config_keys()} == declared
    for key in config_keys():
        first_words = " ".join(key.doc.replace("``", "`").split()[:4])
        assert f"# {key.name} = {key.default_toml}" in TEXT
        assert first_words in " ".join(TEXT.replace("# ", " ").split()), key.title
    for table in ("[sync]", "[database]", "[qbo]", "[sections]"):
        assert f"\n{table}\n" in TEXT
    for section in SECTIONS:
        assert f"# {section} = true" in TEXT


def test_the_commented_file_means_the_defaults() -> None:
    assert parse_settings(TEXT, None, SECTIONS) == Settings()


def test_uncommenting_every_key_changes_nothing() -> None:
    # Each "# key = value" line shows the value in force: uncommented, it must mean the same.
    keys = {k.name for k in config_keys()} | set(SECTIONS)
    uncommented = re.sub(
        r"^# (\w+) = ", lambda m: f"{m[1]} = " if m[1] in keys else m[0], TEXT, flags=re.M
    )
    assert uncommented.count("\n# ") < TEXT.count("\n# ")
    settings = parse_settings(uncommented, None, SECTIONS)
    unset_as_empty = {k.name: "" for k in config_keys() if k.default is None}
    assert settings.sync == SyncSettings()
    assert settings.database == DatabaseSettings(
        **{k: v for k, v in unset_as_empty.items() if k == "url"}
    )
    assert settings.qbo == dataclasses.replace(
        QboSettings(), **{k: v for k, v in unset_as_empty.items() if hasattr(QboSettings, k)}
    )
    assert all(settings.enabled(name) for name in SECTIONS)


def test_an_empty_string_means_unset_wherever_the_default_is_unset() -> None:
    # Why the file may show `url = ""` for a key that is unset by default.
    from acctivate_qbo_plugin.config import default_database_url

    empty = parse_settings('[database]\nurl = ""\n', None, SECTIONS)
    assert default_database_url(empty, None) == default_database_url(Settings(), None)
