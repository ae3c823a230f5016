"""``python -m bench [--quick] [--only NAME ...]``: run the benchmarks, print the table, and
write ``bench/results/<timestamp>.json`` / ``.md`` and ``latest.json`` / ``latest.md``.

The exit code says whether every benchmark *ran* (CI's check that they do not rot); a target
not met is reported in the table, and fails the exit code only with ``--strict``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.harness import (
    RESULTS_DIR,
    BenchContext,
    BenchmarkResult,
    SuiteResult,
    machine_description,
    markdown_table,
    now_utc,
    write_results,
)

# Run order: cheap and independent first; each module has NAME, TITLE and run(ctx).
BENCHMARKS = ("hooks", "coalescing", "push", "rereview", "pull", "history", "throughput")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmarks of acctivate-qbo-plugin: each figure against its target.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="scaled-down sizes, same code paths, under a minute (what CI runs)",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help=f"run only this benchmark (repeatable, or comma-separated): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS_DIR,
        metavar="DIR",
        help="where to write the JSON and Markdown results (default: bench/results)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a target is not met, not only on a crash"
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return parser


def _selected(only: list[str]) -> list[str]:
    names = [n.strip() for item in only for n in item.split(",") if n.strip()]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        raise SystemExit(
            f"python -m bench: unknown benchmark {', '.join(unknown)}; "
            f"choose from {', '.join(BENCHMARKS)}"
        )
    return [n for n in BENCHMARKS if not names or n in names]


def run_benchmark(name: str, ctx: BenchContext) -> BenchmarkResult:
    module = importlib.import_module(f"bench.{name}")
    started = time.perf_counter()
    try:
        figures = module.run(ctx)
    except Exception as exc:
        traceback.print_exc()
        error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - started
        return BenchmarkResult(name, module.NUMBER, module.TITLE, seconds, [], error=error)
    notes = list(getattr(module, "NOTES", ()))
    seconds = time.perf_counter() - started
    return BenchmarkResult(name, module.NUMBER, module.TITLE, seconds, figures, notes)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.list:
        for name in BENCHMARKS:
            module = importlib.import_module(f"bench.{name}")
            print(f"{name:12} {module.TITLE}")
        return 0
    names = _selected(args.only)
    # A developer's own config must not leak into the companies the benchmarks create.
    os.environ.pop("ACCTIVATE_QBO_CONFIG", None)
    mode = "quick" if args.quick else "full"
    suite = SuiteResult(started_at=now_utc(), mode=mode, machine=machine_description())
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="acctivate-bench-") as scratch:
        for name in names:
            print(f"== {name}", file=sys.stderr, flush=True)
            ctx = BenchContext(quick=args.quick, workdir=Path(scratch) / name)
            ctx.workdir.mkdir(parents=True)
            result = run_benchmark(name, ctx)
            suite.benchmarks.append(result)
            print(
                f"   {name}: {result.seconds:.1f} s"
                + (f", crashed: {result.error}" if result.error else ""),
                file=sys.stderr,
                flush=True,
            )
    suite.seconds = time.perf_counter() - started
    json_path, markdown_path = write_results(suite, args.results)
    print(markdown_table(suite))
    print(f"results: {json_path} and {markdown_path}", file=sys.stderr)
    if suite.crashed:
        return 2
    if args.strict and suite.unmet:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
