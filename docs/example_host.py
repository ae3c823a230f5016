"""A minimal host embedding the QuickBooks Online plugin: ``python example_host.py DATA_DIR``.

DATA_DIR holds ``acctivate_qbo.toml`` (``acctivate-qbo install`` wrote it, ``acctivate-qbo
connect`` connected it). The test suite runs this file against the local QBO sandbox.
"""

from __future__ import annotations

import queue
import sys
from pathlib import Path
from typing import Any

from hookspecs import SectionResult, SyncResult, SyncRun, hookimpl
from hookspecs.manager import make_plugin_manager


class ExampleHost:
    """Everything a plugin may ask of its host: name, data_dir, database_url and hook."""

    def __init__(self, data_dir: Path) -> None:
        self.name = "example-erp"
        self.data_dir = data_dir
        self.database_url: str | None = None  # None: the config's [database] url decides
        self.pm = make_plugin_manager()  # loads every `acctivate` entry point: the plugin
        self.pm.register(self)  # this host's UI: it implements the status callbacks
        self.finished: queue.Queue[SyncRun] = queue.Queue()

    @property
    def hook(self) -> Any:
        return self.pm.hook

    # Status callbacks come on the plugin's runner thread: a GUI host marshals them to its
    # UI thread (a queue, or its toolkit's "call later"); this one just prints.
    @hookimpl
    def acctivate_section_finished(self, section: str, result: SectionResult) -> None:
        print(f"  {section}: {result.outcome} ({result.counts.created} created)")

    @hookimpl
    def acctivate_sync_finished(self, run: SyncRun, result: SyncResult) -> None:
        print(f"run {run.id} ({run.trigger}) finished: {result.outcome}")
        self.finished.put(run)

    @hookimpl
    def acctivate_sync_indicator_changed(self, indicator: str) -> None:
        print(f"indicator: {indicator}")


def main(data_dir: Path) -> int:
    host = ExampleHost(data_dir)
    host.hook.acctivate_host_started.call_historic(kwargs={"host": host})
    entries = [item for items in host.hook.acctivate_menu_items(host=host) for item in items]
    sync = next(item for item in entries if item.label == "Sync with QuickBooks")
    host.hook.acctivate_menu_item_selected(host=host, item_id=sync.id)  # the user clicked it
    while host.finished.get(timeout=120).trigger != "menu":
        pass  # a start-up sync ([sync] sync_on_start) may finish first
    host.hook.acctivate_lookup_opened(host=host, lookup="vendor")  # a host event: returns at once
    while host.finished.get(timeout=120).trigger != "lookup_opened":
        pass
    host.hook.acctivate_host_closing(host=host)  # waits for the section in progress, bounded
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
