"""The configuration file: its shape, its defaults, and the checks that explain a bad one.

One TOML file (``acctivate_qbo.toml``). Every key is optional; with no file at all the
defaults work (SQLite beside where the file would be). A bad file raises :class:`ConfigError`
naming the file, the line, the key and the valid choices; the caller keeps the last good
settings. Secrets (client secret, tokens) never live here: see ``acctivate_qbo_plugin.qbo``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

__all__ = [
    "CONFIG_ENV",
    "CONFIG_FILENAME",
    "ConfigError",
    "DatabaseSettings",
    "QboSettings",
    "Settings",
    "SyncSettings",
    "config_path_for",
    "default_database_url",
    "parse_settings",
]

CONFIG_ENV = "ACCTIVATE_QBO_CONFIG"
CONFIG_FILENAME = "acctivate_qbo.toml"
DATABASE_FILENAME = "acctivate_qbo.db"


@dataclass(frozen=True)
class SyncSettings:
    """``[sync]``: when runs happen and how a section's sync time moves."""

    interval_minutes: float = 15.0
    """A full sync runs this often while the host is open."""
    debounce_seconds: float = 2.0
    """Host events collect until the host has been quiet this long."""
    max_delay_seconds: float = 10.0
    """...but never longer than this after the first event."""
    on_record_error: Literal["hold", "quarantine"] = "hold"
    """hold: a section with an error keeps its sync time; quarantine: it advances and the
    failed records go to a retry list tried first on every run."""
    overlap_seconds: float = 60.0
    """Each new sync time is the window start minus this, so late commits are re-reviewed."""
    sync_on_start: bool = True
    """Run every enabled section shortly after the host starts."""
    shutdown_timeout_seconds: float = 30.0
    """How long host closing waits for the section in progress to finish."""


@dataclass(frozen=True)
class DatabaseSettings:
    """``[database]``: where the plugin keeps sync times, the sync log and the run history."""

    url: str | None = None
    """Any SQLAlchemy URL, or a file path for SQLite (relative: beside the config file).
    Unset: the host's database, else ``acctivate_qbo.db`` beside the config file."""


@dataclass(frozen=True)
class QboSettings:
    """``[qbo]``: which QuickBooks Online company, and how to reach it."""

    environment: Literal["sandbox", "production", "local"] = "sandbox"
    """Intuit's sandbox, production, or a local sandbox server (``base_url`` required)."""
    realm_id: str | None = None
    """The QBO company id (set by ``acctivate-qbo connect``)."""
    client_id: str | None = None
    """The Intuit app's client id. The client secret is never in this file."""
    base_url: str | None = None
    """Override the API base URL (https unless loopback)."""
    token_url: str | None = None
    """Override the OAuth token endpoint."""
    minor_version: int = 75
    """``minorversion`` sent on every call."""
    timeout_seconds: float = 130.0
    """How long to wait for QBO's answer to one request (QBO itself gives up after 120 s);
    a request that times out is retried, a write with the same requestid."""
    token_store: str | None = None
    """Token file (mode 0600). Unset: ``qbo_tokens.json`` beside the config file."""


@dataclass(frozen=True)
class Settings:
    """Everything the plugin reads from its config file."""

    sync: SyncSettings = field(default_factory=SyncSettings)
    sections: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType({}))
    """``[sections]``: name = true/false. A section not listed is enabled."""
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    qbo: QboSettings = field(default_factory=QboSettings)
    path: Path | None = None
    """The file these came from; None when defaults are in force."""

    def enabled(self, section: str) -> bool:
        return self.sections.get(section, True)

    @property
    def directory(self) -> Path:
        """Where relative paths (SQLite file, token store) are resolved."""
        return self.path.parent if self.path is not None else Path.cwd()


class ConfigError(ValueError):
    """A config file that cannot be used; the message says what, where and how to fix it."""

    def __init__(self, path: Path | None, message: str, line: int | None = None) -> None:
        where = str(path) if path is not None else "<config>"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


_TABLES: dict[str, type] = {"sync": SyncSettings, "database": DatabaseSettings, "qbo": QboSettings}
_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("sync", "on_record_error"): ("hold", "quarantine"),
    ("qbo", "environment"): ("sandbox", "production", "local"),
}
_NON_NEGATIVE = {"debounce_seconds", "max_delay_seconds", "overlap_seconds"}
_POSITIVE = {"interval_minutes", "shutdown_timeout_seconds", "minor_version", "timeout_seconds"}


def parse_settings(text: str, path: Path | None, known_sections: Iterable[str]) -> Settings:
    """Parse and check a config file's text; raise :class:`ConfigError` on anything wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"not valid TOML: {exc}. Fix the syntax and save again.") from None
    known = tuple(known_sections)
    locate = _Locator(text)
    tables = (*_TABLES, "sections")
    for name in data:
        if name not in tables:
            raise ConfigError(
                path,
                f"unknown table [{name}]; valid tables are {_listing(tables)}",
                locate(name, None),
            )
    values: dict[str, Any] = {}
    for table, cls in _TABLES.items():
        raw = _table(data, table, path, locate)
        values[table] = cls(**_checked_fields(table, cls, raw, path, locate))
    raw_sections = _table(data, "sections", path, locate)
    for name, enabled in raw_sections.items():
        if name not in known:
            raise ConfigError(
                path,
                f"unknown section {name!r} in [sections]; valid sections are {_listing(known)}",
                locate("sections", name),
            )
        if not isinstance(enabled, bool):
            raise ConfigError(
                path,
                f"[sections] {name} must be true or false, not {enabled!r}",
                locate("sections", name),
            )
    sync: SyncSettings = values["sync"]
    if sync.max_delay_seconds < sync.debounce_seconds:
        raise ConfigError(
            path,
            "[sync] max_delay_seconds must be at least debounce_seconds "
            f"({sync.max_delay_seconds} < {sync.debounce_seconds})",
            locate("sync", "max_delay_seconds"),
        )
    return Settings(
        sync=sync,
        sections=MappingProxyType(dict(raw_sections)),
        database=values["database"],
        qbo=values["qbo"],
        path=path,
    )


def _table(data: dict[str, Any], name: str, path: Path | None, locate: _Locator) -> dict[str, Any]:
    raw = data.get(name, {})
    if not isinstance(raw, dict):
        raise ConfigError(path, f"{name} must be a table: [{name}]", locate(name, None))
    return raw


def _checked_fields(
    table: str, cls: type, raw: Mapping[str, Any], path: Path | None, locate: _Locator
) -> dict[str, Any]:
    declared = {f.name: f for f in fields(cls)}
    checked: dict[str, Any] = {}
    for key, value in raw.items():
        where = locate(table, key)
        if key not in declared:
            raise ConfigError(
                path,
                f"unknown key {key!r} in [{table}]; valid keys are {_listing(declared)}",
                where,
            )
        default = declared[key].default
        expected = _expected_type(default, declared[key].type)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise ConfigError(
                path,
                f"[{table}] {key} must be {_type_name(expected)}, not {value!r}",
                where,
            )
        choices = _CHOICES.get((table, key))
        if choices is not None and value not in choices:
            raise ConfigError(
                path, f"[{table}] {key} = {value!r} is not one of {_listing(choices)}", where
            )
        if key in _POSITIVE and value <= 0:
            raise ConfigError(path, f"[{table}] {key} must be greater than 0", where)
        if key in _NON_NEGATIVE and value < 0:
            raise ConfigError(path, f"[{table}] {key} must not be negative", where)
        checked[key] = value
    return checked


def _expected_type(default: Any, annotation: Any) -> type:
    if isinstance(default, bool):
        return bool
    if isinstance(default, float):
        return float
    if isinstance(default, int):
        return int
    return str  # every other key is an optional string or a string choice


def _type_name(expected: type) -> str:
    return {bool: "true or false", float: "a number", int: "a whole number", str: "a string"}[
        expected
    ]


def _listing(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


class _Locator:
    """Finds the line of ``[table]`` or of ``key`` inside it; tomllib does not report lines."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()

    def __call__(self, table: str, key: str | None) -> int | None:
        current = None
        for number, line in enumerate(self._lines, start=1):
            stripped = line.strip()
            if stripped.startswith("[") and not stripped.startswith("[["):
                current = stripped.strip("[]").strip()
                if key is None and current == table:
                    return number
                continue
            if key is not None and current == table:
                name = stripped.split("=", 1)[0].strip().strip("\"'")
                if "=" in stripped and name == key:
                    return number
        return None


def config_path_for(data_dir: Path | None) -> Path:
    """Where the config file is, or would be.

    ``$ACCTIVATE_QBO_CONFIG`` when set; else the host's data directory if a file is there (or
    the host has a data directory and the working directory has none); else the working
    directory.
    """
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser().resolve()
    cwd_file = Path.cwd() / CONFIG_FILENAME
    if data_dir is not None:
        host_file = Path(data_dir) / CONFIG_FILENAME
        if host_file.exists() or not cwd_file.exists():
            return host_file.resolve()
    return cwd_file.resolve()


def default_database_url(settings: Settings, host_database_url: str | None) -> str:
    """The database for the plugin's tables: the file's URL, else the host's, else SQLite."""
    url = settings.database.url or host_database_url
    if url is None:
        return f"sqlite:///{settings.directory / DATABASE_FILENAME}"
    if "://" not in url:  # a bare file name or path: a SQLite file
        return f"sqlite:///{settings.directory / Path(url).expanduser()}"
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
        # A relative SQLite path means "beside the config file", not "wherever the host runs".
        return prefix + str(settings.directory / url[len(prefix) :])
    return url
