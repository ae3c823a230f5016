"""The benchmark suite keeps working: its table tells met from unmet, its files are written,
and one benchmark runs end to end in quick mode (CI runs all of them: ``python -m bench
--quick``; the numbers are checked by people, not by tests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.harness import (
    BenchmarkResult,
    SuiteResult,
    at_least,
    at_most,
    info,
    markdown_table,
    now_utc,
    percentile,
    write_results,
)

MACHINE = {
    "cpu": "Test CPU",
    "usable_cores": 2,
    "memory_gb": 4.0,
    "implementation": "CPython",
    "python": "3.11",
    "sqlite": "3.40",
    "postgresql": None,
    "sqlalchemy": "2.0",
    "pluggy": "1.5",
    "os": "Linux",
    "commit": "abc1234",
}


def test_percentiles_interpolate_between_ranks() -> None:
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_a_figure_is_met_only_on_the_right_side_of_its_target() -> None:
    assert at_most("b", "ratio", 2.0, 2.0, target="≤ 2×", measured="2.0×").met is True
    assert at_most("b", "ratio", 2.01, 2.0, target="≤ 2×", measured="2.01×").met is False
    assert at_least("b", "speed", 19.9, 20.0, target="≥ 20×", measured="19.9×").met is False
    assert info("b", "context", "42 requests").met is None


def test_the_table_and_the_json_show_target_measured_and_met(tmp_path: Path) -> None:
    suite = SuiteResult(started_at=now_utc(), mode="quick", machine=MACHINE)
    suite.benchmarks = [
        BenchmarkResult(
            "push",
            3,
            "Push efficiency",
            1.5,
            [
                at_most("push", "requests", 76, 87, target="≤ 87", measured="76"),
                at_least("push", "speed-up", 17.8, 20, target="≥ 20×", measured="17.8×"),
            ],
        ),
        BenchmarkResult("pull", 5, "Pull", 0.1, [], error="TimeoutError: sandbox gone"),
    ]
    table = markdown_table(suite)
    assert "| 3 | requests | ≤ 87 | 76 | ✅ yes |" in table
    assert "| 3 | speed-up | ≥ 20× | 17.8× | ❌ no |" in table
    assert "| 5 | **Pull** | — | crashed: TimeoutError: sandbox gone | ❌ no |" in table
    assert "Test CPU, 2 cores" in table and "--quick" in table

    json_path, markdown_path = write_results(suite, tmp_path)
    saved = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert saved == json.loads(json_path.read_text(encoding="utf-8"))
    assert saved["summary"] == {"figures": 2, "met": 1, "unmet": 1, "crashed": ["pull"]}
    assert (tmp_path / "latest.md").read_text(encoding="utf-8") == table
    assert markdown_path.read_text(encoding="utf-8") == table


def test_an_unknown_benchmark_name_is_refused_with_the_choices() -> None:
    with pytest.raises(SystemExit, match="unknown benchmark pushh; choose from hooks, "):
        main(["--only", "pushh"])


def test_the_rereview_benchmark_runs_in_quick_mode(tmp_path: Path) -> None:
    assert main(["--quick", "--only", "rereview", "--results", str(tmp_path)]) == 0
    saved = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    (benchmark,) = saved["benchmarks"]
    assert benchmark["name"] == "rereview" and benchmark["error"] is None
    writes = benchmark["figures"][0]
    assert writes["name"].endswith("write requests")
    assert writes["value"] == 0, "re-reviewing records already in sync made write requests"
