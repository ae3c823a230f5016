"""What every benchmark shares: timing, percentiles, the figure record, results on disk.

A benchmark returns :class:`Figure` rows. Each compares a value measured in this run with a
target; where the target is a ratio, both sides (subject and baseline) were measured back to
back in the same process, so the figure holds on a noisy machine. The suite writes
``bench/results/<timestamp>.json`` (+ ``latest.json``) and the same table as Markdown.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "RESULTS_DIR",
    "BenchContext",
    "BenchmarkResult",
    "Figure",
    "Stopwatch",
    "SuiteResult",
    "at_least",
    "at_most",
    "info",
    "machine_description",
    "machine_line",
    "markdown_table",
    "now_utc",
    "percentile",
    "write_results",
]

RESULTS_DIR = Path(__file__).resolve().parent / "results"


# -- timing ------------------------------------------------------------------------------


class Stopwatch:
    """``with Stopwatch() as watch: ...`` then ``watch.seconds`` (perf_counter)."""

    def __init__(self) -> None:
        self.started = 0.0
        self.seconds = 0.0

    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.seconds = time.perf_counter() - self.started


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile() of no values; the benchmark collected no samples")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q must be within 0..100, got {q}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class BenchContext:
    """What a benchmark is given: the mode, a scratch directory, and a progress log."""

    quick: bool
    workdir: Path
    started: float = field(default_factory=time.perf_counter)

    def size(self, full: int, quick: int) -> int:
        """``quick`` in quick mode (same code paths, smaller numbers), else ``full``."""
        return quick if self.quick else full

    def log(self, message: str) -> None:
        """Progress on stderr, so a long benchmark shows it is alive."""
        elapsed = time.perf_counter() - self.started
        print(f"    [{elapsed:6.1f} s] {message}", file=sys.stderr, flush=True)


# -- figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One row of the table: a target and what this run measured.

    :ivar met: True/False against the target; None for an informational row.
    :ivar value: the number compared with ``limit`` (None for informational rows).
    :ivar details: the raw numbers behind ``measured`` (baseline, subject, counts...).
    """

    benchmark: str
    name: str
    target: str
    measured: str
    met: bool | None
    value: float | None = None
    limit: float | None = None
    details: dict[str, Any] = field(default_factory=dict)


def at_most(
    benchmark: str,
    name: str,
    value: float,
    limit: float,
    *,
    target: str,
    measured: str,
    **details: Any,
) -> Figure:
    """A figure met when ``value <= limit``."""
    return Figure(benchmark, name, target, measured, value <= limit, value, limit, details)


def at_least(
    benchmark: str,
    name: str,
    value: float,
    limit: float,
    *,
    target: str,
    measured: str,
    **details: Any,
) -> Figure:
    """A figure met when ``value >= limit``."""
    return Figure(benchmark, name, target, measured, value >= limit, value, limit, details)


def info(benchmark: str, name: str, measured: str, **details: Any) -> Figure:
    """A row with no target: context for the figures around it."""
    return Figure(benchmark, name, "—", measured, None, None, None, details)


@dataclass
class BenchmarkResult:
    name: str
    number: int
    title: str
    seconds: float
    figures: list[Figure]
    notes: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class SuiteResult:
    started_at: datetime
    mode: str
    machine: dict[str, Any]
    benchmarks: list[BenchmarkResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def figures(self) -> list[Figure]:
        return [f for b in self.benchmarks for f in b.figures]

    @property
    def unmet(self) -> list[Figure]:
        return [f for f in self.figures if f.met is False]

    @property
    def crashed(self) -> list[BenchmarkResult]:
        return [b for b in self.benchmarks if b.error is not None]

    def to_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at.isoformat(),
            "mode": self.mode,
            "seconds": round(self.seconds, 3),
            "machine": self.machine,
            "benchmarks": [asdict(b) for b in self.benchmarks],
            "summary": {
                "figures": len([f for f in self.figures if f.met is not None]),
                "met": len([f for f in self.figures if f.met]),
                "unmet": len(self.unmet),
                "crashed": [b.name for b in self.crashed],
            },
        }


# -- the machine -------------------------------------------------------------------------


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _git(*args: str) -> str | None:
    """A read-only git query about the tree being measured (None outside a checkout)."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _postgres_version(url: str | None) -> str | None:
    if not url or not url.startswith("postgresql"):
        return None
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                return str(connection.execute(text("SHOW server_version")).scalar_one())
        finally:
            engine.dispose()
    except Exception as exc:  # the table still prints without it
        return f"unreachable ({type(exc).__name__})"


def machine_description(database_url: str | None = None) -> dict[str, Any]:
    """CPU, cores, memory, OS, Python, SQLite / PostgreSQL versions and the commit measured."""
    import pluggy
    import sqlalchemy

    memory_gb: float | None = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _postgres_version(database_url),
        "sqlalchemy": sqlalchemy.__version__,
        "pluggy": pluggy.__version__,
        "commit": (commit + ("+changes" if dirty else "")) if commit else None,
    }


def machine_line(machine: dict[str, Any]) -> str:
    parts = [
        f"{machine['cpu']}, {machine['usable_cores']} cores",
        f"{machine['memory_gb']} GB" if machine.get("memory_gb") else None,
        f"{machine['implementation']} {machine['python']}",
        f"SQLite {machine['sqlite']}",
        f"PostgreSQL {machine['postgresql']}" if machine.get("postgresql") else None,
        f"SQLAlchemy {machine['sqlalchemy']}",
        f"pluggy {machine['pluggy']}",
        machine["os"],
    ]
    return "; ".join(p for p in parts if p)


# -- output ------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _mark(met: bool | None) -> str:
    return {True: "✅ yes", False: "❌ no", None: ""}[met]


def markdown_table(suite: SuiteResult) -> str:
    """The results as Markdown: date, machine, then target | measured | met? per figure."""
    lines = [
        f"Measured {suite.started_at:%Y-%m-%d %H:%M} UTC, `python -m bench"
        f"{' --quick' if suite.mode == 'quick' else ''}` ({suite.mode} mode, "
        f"{suite.seconds:.0f} s), commit {suite.machine.get('commit') or 'unknown'}  ",
        f"Machine: {machine_line(suite.machine)}",
        "",
        "| # | figure | target | measured | met? |",
        "|---|---|---|---|---|",
    ]
    for benchmark in suite.benchmarks:
        number = benchmark.number
        if benchmark.error is not None:
            lines.append(
                f"| {number} | **{_cell(benchmark.title)}** | — | "
                f"crashed: {_cell(benchmark.error)} | ❌ no |"
            )
            continue
        for figure in benchmark.figures:
            lines.append(
                f"| {number} | {_cell(figure.name)} | {_cell(figure.target)} | "
                f"{_cell(figure.measured)} | {_mark(figure.met)} |"
            )
    lines.append("")
    timings = ", ".join(f"{b.name} {b.seconds:.1f} s" for b in suite.benchmarks)
    lines.append(f"Wall time per benchmark: {timings}.")
    notes = [(b.name, n) for b in suite.benchmarks for n in b.notes]
    if notes:
        lines.append("")
        lines.extend(f"- {name}: {_cell(note)}" for name, note in notes)
    return "\n".join(lines) + "\n"


def write_results(suite: SuiteResult, directory: Path = RESULTS_DIR) -> tuple[Path, Path]:
    """Write ``<timestamp>.json`` and ``.md`` plus ``latest.json`` / ``latest.md``."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = suite.started_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    suffix = "-quick" if suite.mode == "quick" else ""
    payload = json.dumps(suite.to_json(), indent=2, default=str) + "\n"
    table = markdown_table(suite)
    json_path = directory / f"{stamp}{suffix}.json"
    markdown_path = directory / f"{stamp}{suffix}.md"
    json_path.write_text(payload, encoding="utf-8")
    markdown_path.write_text(table, encoding="utf-8")
    (directory / "latest.json").write_text(payload, encoding="utf-8")
    (directory / "latest.md").write_text(table, encoding="utf-8")
    return json_path, markdown_path


def now_utc() -> datetime:
    return datetime.now(UTC)
