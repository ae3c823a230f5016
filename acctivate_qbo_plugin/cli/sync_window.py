"""The sync window in a terminal: a host UI plugin drawing the status callbacks with rich.

One bar per section with its counts (records done of total, percent) and an estimate of the
time left from the recent pace, then the section's ✓ / ⚠ / ✗ and what it did. In a terminal
the bars redraw in place; when the output is a file or a pipe (a scheduled sync, a CI log)
each section prints a progress line at every tenth of the way instead, with the same counts
and estimate, so a long sync still shows where it is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
)
from rich.text import Text

from hookspecs import Counts, Indicator, SectionResult, SyncResult, SyncRun, hookimpl

__all__ = ["EstimateColumn", "TerminalSyncWindow", "describe_counts", "estimate"]

SYMBOLS = {"success": "[green]✓[/]", "warning": "[yellow]⚠[/]", "error": "[red]✗[/]"}
INDICATORS = {"idle": "idle", "syncing": "[cyan]syncing…[/]", "attention": "[yellow]⚠ attention[/]"}
PLAIN_STEPS = 10
"""Without a terminal, a section prints a progress line each time it passes a tenth."""


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


def _clock(seconds: float | None) -> str:
    return str(timedelta(seconds=max(0, round(seconds or 0))))


def estimate(task: Task) -> str:
    """What is known about the time: "about 0:00:12 left", "took 0:00:03", "counting…"."""
    if task.fields.get("ended"):
        return f"took {_clock(task.elapsed)}"
    if task.total is None:
        return f"counting… {_clock(task.elapsed)}"
    if task.completed >= task.total:
        return "finishing…"
    if task.time_remaining is None:
        return "estimating…"
    return f"about {_clock(task.time_remaining)} left"


class EstimateColumn(ProgressColumn):
    """The time left from the recent pace, or how long a finished section took."""

    def render(self, task: Task) -> Text:
        return Text(estimate(task), style="progress.remaining")


class TerminalSyncWindow:
    """Register in a plugin manager; it draws every run the runtime reports.

    :param live: redraw bars in place (default: when the console is a terminal).
    :param get_time: the clock for the estimates (tests inject one).
    """

    def __init__(
        self,
        console: Console,
        *,
        live: bool | None = None,
        get_time: Callable[[], float] | None = None,
    ) -> None:
        self.console = console
        self.indicator: Indicator = "idle"
        self.live = console.is_terminal if live is None else live
        self._get_time = get_time
        self._progress: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        self._printed_step: dict[str, int] = {}

    def _new_progress(self) -> Progress:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            EstimateColumn(),
        )
        options = {"get_time": self._get_time} if self._get_time is not None else {}
        return Progress(*columns, console=self.console, disable=not self.live, **options)

    @hookimpl
    def acctivate_sync_started(self, run: SyncRun) -> None:
        sections = ", ".join(run.sections) or "nothing enabled"
        self.console.print(f"[bold]Sync run {run.id}[/] ({run.trigger}): {sections}")
        self._progress = self._new_progress()
        self._tasks = {}
        self._printed_step = {}
        self._progress.start()

    @hookimpl
    def acctivate_section_started(self, section: str) -> None:
        if self._progress is not None:
            self._tasks[section] = self._progress.add_task(f"  … {section}", total=None)

    @hookimpl
    def acctivate_section_progress(self, section: str, done: int, total: int | None) -> None:
        task = self._tasks.get(section)
        if self._progress is None or task is None:
            return
        self._progress.update(task, completed=done, total=total)
        if self.live:
            self._progress.refresh()  # every (thinned) callback shows, not only 10 per second
        else:
            self._print_step(section, self._progress.tasks[task])

    def _print_step(self, section: str, task: Task) -> None:
        if task.total is None or task.total <= 0 or task.completed >= task.total:
            return
        step = int(task.completed * PLAIN_STEPS // task.total)
        if step <= self._printed_step.get(section, 0):
            return
        self._printed_step[section] = step
        self.console.print(
            f"  … {section}: {task.completed:,.0f}/{task.total:,.0f} records "
            f"({task.percentage:.0f}%), {estimate(task)}"
        )

    @hookimpl
    def acctivate_section_finished(self, section: str, result: SectionResult) -> None:
        task_id = self._tasks.get(section)
        if self._progress is None or task_id is None:
            return
        task = self._progress.tasks[task_id]
        done = max(int(task.completed), 1)
        summary = f"  {SYMBOLS[result.outcome]} {section}: {describe_counts(result.counts)}"
        self._progress.update(task_id, description=summary, total=done, completed=done, ended=True)
        self._progress.stop_task(task_id)
        if not self.live:
            records = f"{task.completed:,.0f} record{'s' if task.completed != 1 else ''}"
            self.console.print(f"{summary} ({records}, {estimate(task)})")

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
