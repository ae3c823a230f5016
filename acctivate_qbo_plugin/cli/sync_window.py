"""The sync window in a terminal: a host UI plugin drawing the status callbacks with rich."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from hookspecs import Counts, Indicator, SectionResult, SyncResult, SyncRun, hookimpl

__all__ = ["TerminalSyncWindow", "describe_counts"]

SYMBOLS = {"success": "[green]✓[/]", "warning": "[yellow]⚠[/]", "error": "[red]✗[/]"}
INDICATORS = {"idle": "idle", "syncing": "[cyan]syncing…[/]", "attention": "[yellow]⚠ attention[/]"}


def describe_counts(counts: Counts) -> str:
    parts = [
        f"{value} {name}"
        for name, value in (
            ("created", counts.created),
            ("updated", counts.updated),
            ("deleted", counts.deleted),
            ("unchanged", counts.unchanged),
            ("warnings", counts.warnings),
            ("errors", counts.errors),
        )
        if value
    ]
    return ", ".join(parts) or "nothing to do"


class TerminalSyncWindow:
    """Register in a plugin manager; it draws every run the runtime reports."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.indicator: Indicator = "idle"
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}

    @hookimpl
    def acctivate_sync_started(self, run: SyncRun) -> None:
        sections = ", ".join(run.sections) or "nothing enabled"
        self.console.print(f"[bold]Sync run {run.id}[/] ({run.trigger}): {sections}")
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=self.console,
        )
        self._tasks = {}
        self._progress.start()

    @hookimpl
    def acctivate_section_started(self, section: str) -> None:
        if self._progress is not None:
            self._tasks[section] = self._progress.add_task(f"  … {section}", total=None)

    @hookimpl
    def acctivate_section_progress(self, section: str, done: int, total: int | None) -> None:
        task = self._tasks.get(section)
        if self._progress is not None and task is not None:
            self._progress.update(task, completed=done, total=total)

    @hookimpl
    def acctivate_section_finished(self, section: str, result: SectionResult) -> None:
        task = self._tasks.get(section)
        if self._progress is None or task is None:
            return
        done = self._progress.tasks[task].completed
        self._progress.update(
            task,
            description=f"  {SYMBOLS[result.outcome]} {section}: {describe_counts(result.counts)}",
            total=max(done, 1),
            completed=max(done, 1),
        )

    @hookimpl
    def acctivate_sync_finished(self, run: SyncRun, result: SyncResult) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        for section in result.sections.values():
            for message in section.messages:
                self.console.print(
                    f"  {SYMBOLS[section.outcome]} {section.section}: {escape(message)}"
                )
        if not result.sections:
            for message in result.messages:
                self.console.print(f"  {SYMBOLS[result.outcome]} {escape(message)}")
        tail = " (stopped early: the host is closing)" if result.stopped_early else ""
        summary = describe_counts(result.counts)
        self.console.print(f"{SYMBOLS[result.outcome]} [bold]{result.outcome}[/]: {summary}{tail}")

    @hookimpl
    def acctivate_sync_indicator_changed(self, indicator: Indicator) -> None:
        self.indicator = indicator
