"""``acctivate-qbo install``: the database tables, a default config file, and a check of both.

Idempotent: run it after every upgrade of the package. Each step is reported; the first one
that fails stops the install with :class:`InstallError`, whose message says what failed, why,
and what to do (a failed migration is rolled back, see :mod:`acctivate_qbo_plugin.migrate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import make_url

from acctivate_qbo_plugin.config import (
    ConfigError,
    Settings,
    default_database_url,
    parse_settings,
)
from acctivate_qbo_plugin.config_edit import ConfigEditError, set_config_values
from acctivate_qbo_plugin.config_template import render_default_config
from acctivate_qbo_plugin.migrate import (
    PLUGIN_HISTORY,
    REFERENCE_HOST_HISTORY,
    MigrationFailed,
    SchemaHistory,
    UpgradeResult,
    missing_schema,
    upgrade,
)
from acctivate_qbo_plugin.state.db import make_engine, redact_url

__all__ = ["InstallError", "InstallReport", "install", "normalize_database_url"]

ConfigAction = Literal["written", "kept", "updated"]


class InstallError(RuntimeError):
    """The install stopped; ``exit_code`` is 2 for a problem with the input (config file or
    options), 1 for one with the database."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class InstallReport:
    config_path: Path
    config_action: ConfigAction
    database_url: str
    """Redacted (no password): safe to print."""
    upgrades: list[UpgradeResult] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def normalize_database_url(value: str) -> str:
    """A SQLAlchemy URL as given, or a SQLite file path (relative to the working directory)."""
    if "://" in value:
        try:
            make_url(value)
        except Exception:
            raise InstallError(
                f"--database {value!r} is not a database URL; use e.g. "
                "postgresql+psycopg://user@server/erp or a SQLite file path",
                exit_code=2,
            ) from None
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def install(
    config_path: Path, database_url: str | None = None, *, host_schema: bool = True
) -> InstallReport:
    """Create or upgrade the tables and write the config if missing; then check the result.

    :param database_url: where the tables go; default: the config's ``[database] url``, else
        ``acctivate_qbo.db`` beside the config file.
    :param host_schema: also create or upgrade the reference host's tables.
    """
    from acctivate_qbo_plugin.sections import default_catalog

    names = default_catalog().names
    action: ConfigAction = "kept"
    if not config_path.exists():
        config_path.parent.mkdir(parents=True, exist_ok=True)
        config_path.write_text(render_default_config(), encoding="utf-8")
        action = "written"
    settings = _read_settings(config_path, names)
    url = normalize_database_url(database_url) if database_url else None
    notes: list[str] = []
    if url is not None:
        action, note = _record_database(config_path, settings, url, action)
        if note:
            notes.append(note)
        settings = _read_settings(config_path, names)
    url = url or default_database_url(settings, None)
    _prepare_sqlite_directory(url)

    report = InstallReport(config_path, action, redact_url(url), notes=notes)
    histories = [PLUGIN_HISTORY] + ([REFERENCE_HOST_HISTORY] if host_schema else [])
    for history in histories:
        try:
            report.upgrades.append(upgrade(url, history))
        except MigrationFailed as exc:
            raise InstallError(str(exc)) from exc
        except Exception as exc:
            raise InstallError(
                f"could not reach the database {redact_url(url)} to create the "
                f"{history.name}: {_first_line(exc)}. Check the URL, that the server runs and "
                "that the user may create tables, then run `acctivate-qbo install` again."
            ) from exc
    report.checks = _check(url, settings, histories, names)
    return report


def _read_settings(path: Path, names: tuple[str, ...]) -> Settings:
    try:
        return parse_settings(path.read_text(encoding="utf-8"), path, names)
    except ConfigError as exc:
        raise InstallError(
            f"{exc}. Fix the config file, then run `acctivate-qbo install` again.", exit_code=2
        ) from None
    except OSError as exc:
        raise InstallError(f"cannot read {path}: {exc.strerror}", exit_code=2) from None


def _record_database(
    path: Path, settings: Settings, url: str, action: ConfigAction
) -> tuple[ConfigAction, str | None]:
    """Write ``--database`` into the config (so the plugin and every command find the same
    tables), unless the config already names another database or the URL has a password."""
    configured = settings.database.url
    if configured:
        resolved = default_database_url(settings, None)
        if resolved != url:
            raise InstallError(
                f"{path} says [database] url = {redact_url(resolved)!r} but --database is "
                f"{redact_url(url)!r}: change the config file or leave out --database",
                exit_code=2,
            )
        return action, None
    if make_url(url).password:
        return action, (
            "the database URL has a password, so it was not written to the config file (the "
            "file holds no secrets): let the host pass its database to the plugin, or set "
            "[database] url yourself with a password-less URL (e.g. a .pgpass file)"
        )
    try:
        set_config_values(path, "database", {"url": url})
    except ConfigEditError as exc:
        raise InstallError(str(exc), exit_code=2) from None
    return ("written" if action == "written" else "updated"), None


def _prepare_sqlite_directory(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def _check(
    url: str, settings: Settings, histories: list[SchemaHistory], names: tuple[str, ...]
) -> list[str]:
    """What the install verified; raises when something is not as it must be."""
    checks = []
    for history in histories:
        missing = missing_schema(url, history)
        if missing:
            raise InstallError(
                f"after the upgrade the {history.name} still lack {', '.join(missing)}: the "
                "database user may lack rights, or another program changed the tables. Fix it, "
                "then run `acctivate-qbo install` again."
            )
        checks.append(f"every table and column of the {history.name} is in place")
    from acctivate_qbo_plugin.state.store import StateStore

    store = StateStore(make_engine(url))
    try:
        states = store.section_states(names)
    except Exception as exc:
        raise InstallError(f"the sync tables cannot be read: {_first_line(exc)}") from exc
    finally:
        store.close()
    synced = sum(1 for s in states if s.sync_time is not None)
    checks.append(f"the sync state reads back ({synced} of {len(states)} sections synced before)")
    checks.append(
        f"the config file parses ({sum(settings.enabled(n) for n in names)} of {len(names)} "
        "sections enabled)"
    )
    return checks


def _first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None)
    text = str(original if original is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
