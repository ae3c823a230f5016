"""One sync run: sections in order, each with its window, its result and its sync time.

The engine, not the section, decides how a section ended and whether its sync time moves:
- success (no problems) or warning (only warnings): the sync time advances to the window's
  upper bound read at the run's start, minus the overlap;
- error: it holds (``on_record_error = "hold"``), or, in ``"quarantine"`` mode, advances when
  every error belongs to a named record, and those records go on the retry list; the section
  stays red while the retry list holds anything.
A section that raises is an error for that section only; the run goes on with the next one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from acctivate_qbo_plugin.clock import Clock
from acctivate_qbo_plugin.config import Settings
from acctivate_qbo_plugin.crashpoints import crash_point
from acctivate_qbo_plugin.sections.catalog import SectionCatalog
from acctivate_qbo_plugin.sections.context import Problem, SectionContext
from acctivate_qbo_plugin.state.store import NewLogEntry, SectionSyncTime, StateStore
from acctivate_qbo_plugin.status import StatusReporter
from hookspecs import Counts, Outcome, SectionResult, SyncResult, SyncRun, worst_outcome

__all__ = ["RunRequest", "SyncEngine"]

log = logging.getLogger(__name__)

MAX_RESULT_MESSAGES = 50
UNEXPECTED_FIX = (
    "This was unexpected: the host's log has the details. Fix the cause, then sync again; "
    "nothing was skipped, the section reviews the same records next time."
)


@dataclass(frozen=True)
class RunRequest:
    """What a run was asked to do: some sections (or all), and why."""

    sections: frozenset[str] = frozenset()
    every_section: bool = False
    triggers: tuple[str, ...] = ()

    @property
    def trigger(self) -> str:
        """The trigger shown to the user: the menu wins (it opens the sync window)."""
        if "menu" in self.triggers:
            return "menu"
        return self.triggers[0] if self.triggers else "unknown"


@dataclass
class SyncEngine:
    catalog: SectionCatalog
    store: StateStore
    reporter: StatusReporter
    clock: Clock
    services: Any = None

    def run(self, request: RunRequest, settings: Settings, stop: threading.Event) -> SyncResult:
        requested: Iterable[str] = self.catalog.names if request.every_section else request.sections
        plan = self.catalog.plan(requested, settings.enabled)
        if self.services is not None and hasattr(self.services, "begin_run"):
            self.services.begin_run([(n, self.catalog.get(n).qbo_entities) for n in plan])
        started = self.clock.now()
        self._note_interrupted_runs(started)
        # One upper bound on the host's clock for every section of the run, read before any
        # of them looks at a row: the run sees one consistent moment, so a record and the ones
        # it needs (an adjustment and its item) are in the same window or both in the next.
        host_until = self._host_now()
        run_id = self.store.start_run(request.trigger, plan, started)
        run = SyncRun(id=run_id, trigger=request.trigger, sections=plan, started_at=started)
        crash_point("run.started")
        log.info("sync run %s (%s): %s", run_id, run.trigger, ", ".join(plan) or "nothing enabled")
        self.reporter.sync_started(run)
        results: dict[str, SectionResult] = {}
        stopped_early = False
        halted: list[str] = []
        try:
            for name in plan:
                if stop.is_set():
                    stopped_early = True  # closing: never start a section we cannot finish
                    break
                results[name] = self._run_section(run, name, settings, stop, halted, host_until)
                if halted:
                    break  # e.g. QuickBooks must be reconnected: every other section would fail
        finally:
            crash_point("run.finishing")
            outcome = worst_outcome(r.outcome for r in results.values())
            if stopped_early:
                skipped = ", ".join(n for n in plan if n not in results)
                log.info("sync run %s stopped early (host closing); not run: %s", run_id, skipped)
            messages = [m for r in results.values() for m in r.messages]
            if halted:
                not_run = ", ".join(n for n in plan if n not in results)
                messages.append(
                    f"the sync stopped: {halted[0]}" + (f"; not run: {not_run}" if not_run else "")
                )
            result = SyncResult(
                outcome=outcome,
                sections=dict(results),
                counts=sum((r.counts for r in results.values()), Counts()),
                messages=tuple(messages[:MAX_RESULT_MESSAGES]),
                stopped_early=stopped_early,
            )
            self.store.finish_run(run_id, outcome, self.clock.now(), stopped_early)
            self.reporter.sync_finished(run, result)
        return result

    def _note_interrupted_runs(self, now: datetime) -> None:
        for run_id, section in self.store.close_interrupted_runs(now):
            where = f" during the {section} section" if section else ""
            self.store.add_log(
                run_id,
                section or "sync",
                now,
                [
                    NewLogEntry(
                        "warning",
                        f"sync run {run_id} was interrupted{where} (the process ended before "
                        "it finished); nothing was lost: its unfinished sections review the "
                        "same records again, and records it had sent are recognised, not sent "
                        "twice",
                        code="interrupted",
                        fix_hint="Nothing to do; if it happens often, check why the host or "
                        "the sync process stops (crash, forced shutdown, power loss).",
                    )
                ],
            )

    # -- one section ---------------------------------------------------------------------

    def _run_section(
        self,
        run: SyncRun,
        name: str,
        settings: Settings,
        stop: threading.Event,
        halted: list[str],
        host_until: datetime,
    ) -> SectionResult:
        self.reporter.section_started(run, name)
        since = self.store.sync_time(name)
        row_id = self.store.start_section(run.id, name, self.clock.now(), since.sync_time)
        crash_point("section.started")
        ctx = SectionContext(
            run=run,
            section=name,
            settings=settings,
            since=since,
            host_until=host_until,
            services=self.services,
            retry=tuple(self.store.retry_records(name)),
            _progress=lambda done, total: self.reporter.section_progress(run, name, done, total),
            _log=lambda problems: self.store.add_log(
                run.id, name, self.clock.now(), (p.log_entry() for p in problems)
            ),
            _stop=stop,
        )
        try:
            self.catalog.get(name)().sync(ctx)
        except Exception as exc:
            hint = getattr(exc, "fix_hint", None)
            if hint:
                # An explained failure (QBO unreachable, not connected...): its message and
                # fix are what matters, a traceback would only bury them.
                log.error("section %s: %s", name, exc)
            else:
                log.exception("section %s raised", name)
            if getattr(exc, "stops_sync", False):
                halted.append(f"{str(exc).rstrip('.')}. {hint}" if hint else str(exc))
            ctx.error(
                f"the {name} section stopped: {exc}",
                code=str(getattr(exc, "code", None) or type(exc).__name__)[:20],
                fix_hint=getattr(exc, "fix_hint", None) or UNEXPECTED_FIX,
            )
        return self._finish_section(run, name, settings, ctx, row_id)

    def _host_now(self) -> datetime:
        """The host database's clock: the host's records are stamped by it, also when the
        plugin's tables live in a database of their own."""
        host = getattr(self.services, "host", None)
        return host.now() if host is not None else self.store.database_now()

    def _finish_section(
        self, run: SyncRun, name: str, settings: Settings, ctx: SectionContext, row_id: int
    ) -> SectionResult:
        errors = ctx.errors
        section_errors = [e for e in errors if e.retry_key is None]
        failed = {e.retry_key: e for e in errors if e.retry_key is not None}
        quarantine = settings.sync.on_record_error == "quarantine"
        still_waiting = {r.record for r in ctx.retry} - ctx.passed_records - set(failed)

        advance = not errors or (quarantine and not section_errors)
        outcome: Outcome
        if errors or (quarantine and still_waiting):
            outcome = "error"
        elif ctx.warning_count:
            outcome = "warning"
        else:
            outcome = "success"

        # Each side's window is reviewed again only if something on that side failed: host
        # records a push could not send hold the host side; the QBO side still moves when the
        # section says it reviewed it cleanly (see SectionContext.qbo_side_done).
        qbo_advance = advance or (not section_errors and ctx.qbo_side_clean)
        overlap = timedelta(seconds=settings.sync.overlap_seconds)
        new_times = (
            SectionSyncTime(
                name,
                ctx.host_until - overlap if advance else None,
                ctx.qbo_until - overlap if ctx.qbo_until is not None and qbo_advance else None,
            )
            if advance or qbo_advance
            else None
        )
        finished = self.clock.now()
        counts = ctx.totals()
        ctx.flush_log()
        self.store.complete_section(
            row_id,
            outcome=outcome,
            counts={
                "created": counts.created,
                "updated": counts.updated,
                "deleted": counts.deleted,
                "unchanged": counts.unchanged,
                "warnings": counts.warnings,
                "errors": counts.errors,
            },
            finished_at=finished,
            advance_to=new_times,
            failed=[(r, e.code, e.message) for r, e in failed.items()] if quarantine else (),
            passed=ctx.passed_records,
        )
        sync_time = new_times.sync_time if new_times and advance else ctx.since.sync_time
        result = SectionResult(
            section=name,
            outcome=outcome,
            counts=counts,
            messages=_messages(ctx, still_waiting if quarantine else set()),
            sync_time=sync_time,
        )
        crash_point("section.finished")
        self.reporter.section_finished(run, name, result)
        log.info("section %s: %s %s", name, outcome, counts)
        return result


def _messages(ctx: SectionContext, waiting: set[str]) -> tuple[str, ...]:
    lines = [_line(p) for p in ctx.shown]
    hidden = ctx.warning_count + len(ctx.errors) - len(ctx.shown)
    if waiting:
        lines.append(
            f"{len(waiting)} record(s) still on the retry list: {', '.join(sorted(waiting))}"
        )
    if len(lines) + (1 if hidden else 0) > MAX_RESULT_MESSAGES:
        hidden += len(lines) - (MAX_RESULT_MESSAGES - 1)
        lines = lines[: MAX_RESULT_MESSAGES - 1]
    if hidden:
        lines.append(f"... and {hidden} more in the sync log")
    return tuple(lines)


def _line(problem: Problem) -> str:
    if problem.record and problem.record not in problem.message:
        return f"{problem.record}: {problem.message}"
    return problem.message
