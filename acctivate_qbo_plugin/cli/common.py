"""What the commands share: finding the config, a host for the plugin, the database.

Heavy modules (SQLAlchemy, Alembic, the sections) are imported inside the functions that need
them: every command module is imported to build ``--help``, which should stay instant.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from acctivate_qbo_plugin.config import Settings, config_path_for, default_database_url

if TYPE_CHECKING:
    import pluggy

    from acctivate_qbo_plugin.state.store import StateStore

__all__ = [
    "CliHost",
    "CommandError",
    "add_config_option",
    "check_section",
    "config_path",
    "console",
    "load_settings",
    "open_store",
    "print_error",
    "section_names",
    "upgrade_tables",
]


class CommandError(Exception):
    """A problem the user must fix; printed without a traceback, exit code 2 (a bad config
    file or option) unless ``exit_code`` says otherwise."""

    def __init__(self, message: str, *, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def print_error(message: str) -> None:
    """Print a problem the user must fix (messages name config tables like [sync]: escaped)."""
    console(stderr=True).print(f"[red]error:[/] {escape(message)}")


def add_config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="config file (default: $ACCTIVATE_QBO_CONFIG, else ./acctivate_qbo.toml)",
    )


def config_path(args: argparse.Namespace) -> Path:
    return (args.config or config_path_for(None)).resolve()


def section_names() -> tuple[str, ...]:
    from acctivate_qbo_plugin.sections import default_catalog

    return default_catalog().names


def check_section(name: str | None) -> str | None:
    """``name`` if it is a section; else a CommandError listing the sections."""
    if name is not None and name not in section_names():
        raise CommandError(
            f"there is no section {name!r}; the sections are {', '.join(section_names())}"
        )
    return name


def load_settings(args: argparse.Namespace) -> Settings:
    """The settings from the config file; a bad file is an error here, not a silent default."""
    from acctivate_qbo_plugin.live_config import LiveConfig
    from acctivate_qbo_plugin.sections import default_catalog

    live = LiveConfig(config_path(args), default_catalog().names, log_errors=False)
    live.load()
    if live.error is not None:
        raise CommandError(live.error.replace(" (the last good settings stay in force)", ""))
    return live.settings


def upgrade_tables(settings: Settings) -> str:
    """Bring the sync tables to the newest schema the safe way (each revision all or nothing,
    see :mod:`acctivate_qbo_plugin.migrate`) before anything opens them; return the URL."""
    from acctivate_qbo_plugin.migrate import PLUGIN_HISTORY, MigrationFailed, upgrade

    url = default_database_url(settings, None)
    try:
        upgrade(url, PLUGIN_HISTORY)
    except MigrationFailed as exc:
        raise CommandError(str(exc), exit_code=1) from None
    except Exception as exc:
        from acctivate_qbo_plugin.state.db import redact_url

        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines() or [repr(exc)]
        raise CommandError(
            f"cannot open the sync tables in {redact_url(url)}: {reason[0]}. Check [database] "
            "url in the config file and that the database is reachable.",
            exit_code=1,
        ) from None
    return url


def open_store(settings: Settings) -> StateStore:
    """The sync state, its tables upgraded first; a database problem is a CommandError."""
    from acctivate_qbo_plugin.state.db import make_engine
    from acctivate_qbo_plugin.state.store import StateStore

    return StateStore(make_engine(upgrade_tables(settings)))


@dataclass
class CliHost:
    """The command line acting as a host: plugins load as in the ERP, and the terminal is the UI."""

    data_dir: Path
    name: str = "acctivate-qbo"
    database_url: str | None = None
    pm: pluggy.PluginManager = field(default_factory=lambda: _plugin_manager())

    @property
    def hook(self) -> Any:
        return self.pm.hook


def _plugin_manager() -> pluggy.PluginManager:
    from hookspecs.manager import make_plugin_manager

    return make_plugin_manager()
