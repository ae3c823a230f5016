"""What the commands share: finding the config, a host for the plugin, the database."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy
from rich.console import Console
from rich.markup import escape

from acctivate_qbo_plugin.config import Settings, config_path_for, default_database_url
from acctivate_qbo_plugin.live_config import LiveConfig
from acctivate_qbo_plugin.sections import default_catalog
from acctivate_qbo_plugin.state.store import StateStore
from hookspecs.manager import make_plugin_manager

__all__ = [
    "CliHost",
    "CommandError",
    "add_config_option",
    "config_path",
    "console",
    "load_settings",
    "open_store",
    "print_error",
]


class CommandError(Exception):
    """A problem the user must fix; printed without a traceback, exit code 2."""


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


def load_settings(args: argparse.Namespace) -> Settings:
    """The settings from the config file; a bad file is an error here, not a silent default."""
    live = LiveConfig(config_path(args), default_catalog().names, log_errors=False)
    live.load()
    if live.error is not None:
        raise CommandError(live.error.replace(" (the last good settings stay in force)", ""))
    return live.settings


def open_store(settings: Settings) -> StateStore:
    return StateStore.open(default_database_url(settings, None))


@dataclass
class CliHost:
    """The command line acting as a host: plugins load as in the ERP, and the terminal is the UI."""

    data_dir: Path
    name: str = "acctivate-qbo"
    database_url: str | None = None
    pm: pluggy.PluginManager = field(default_factory=make_plugin_manager)

    @property
    def hook(self) -> Any:
        return self.pm.hook
