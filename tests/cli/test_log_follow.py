"""``acctivate-qbo log``: filters, ``--json``, and ``--follow`` while a sync writes entries."""

from __future__ import annotations

import argparse
import io
import json
import signal
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from acctivate_qbo_plugin.cli.log_cmd import follow
from acctivate_qbo_plugin.config_edit import set_config_values
from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.state.store import NewLogEntry, StateStore
from tests.cli.process import LineReader, run_cli, start_acctivate_qbo

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def shared(host: FakeHost) -> FakeHost:
    """A connected host after its first sync; its config names its database for the CLI."""
    assert host.database_url is not None
    set_config_values(host.data_dir / "acctivate_qbo.toml", "database", {"url": host.database_url})
    return host


def _unbalanced(host: FakeHost, number: str) -> None:
    host.erp.post_journal(
        [("Cost of Goods Sold", "9.00", "0"), ("Inventory Asset", "0", "8.00")], number=number
    )


def test_follow_prints_entries_while_a_sync_runs(shared: FakeHost) -> None:
    process = start_acctivate_qbo("log", "--follow", "--interval", "0.1", cwd=shared.data_dir)
    reader = LineReader(process)
    try:
        reader.wait_for("Following the sync log")
        _unbalanced(shared, "GL-FOLLOW")

        shared.sync_now()  # on this side, while the other process follows

        reader.wait_for("▶ run 2 (menu) started: accounts")
        reader.wait_for("journal GL-FOLLOW is out of balance")
        reader.wait_for("how to fix:")
        reader.wait_for("■ run 2 finished: ✗ error")
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl+C
        code = process.wait(timeout=30)
    assert code == 0  # Ctrl+C is how one stops following: not a failure
    assert process.stderr is not None and "Traceback" not in process.stderr.read()


def test_follow_as_json_streams_one_object_per_line(shared: FakeHost) -> None:
    process = start_acctivate_qbo(
        "log", "--follow", "--json", "--level", "error", "--interval", "0.1", cwd=shared.data_dir
    )
    reader = LineReader(process)
    try:
        _unbalanced(shared, "GL-JSON")
        result = shared.sync_now()
        assert result.sections["journals"].outcome == "error"

        line = reader.wait_for("GL-JSON")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    entry = json.loads(line)
    assert entry["section"] == "journals" and entry["level"] == "error"
    assert entry["code"] == "out_of_balance" and entry["fix_hint"]
    assert entry["record"].startswith("journal ")


@pytest.fixture
def store(acctivate_database_url: str) -> Iterator[StateStore]:
    opened = StateStore.open(acctivate_database_url)
    yield opened
    opened.close()


def _args(**given: object) -> argparse.Namespace:
    defaults = {"run": None, "section": None, "level": None, "since": None, "record": None}
    return argparse.Namespace(**{**defaults, "limit": 50, "json": False, "interval": 1.0, **given})


def _log(store: StateStore, run: int | None, section: str, message: str, minutes: int) -> None:
    store.add_log(
        run, section, T0 + timedelta(minutes=minutes), [NewLogEntry("error", message, code="x")]
    )


def test_follow_shows_the_latest_oldest_first_then_new_runs_and_entries_in_order(
    store: StateStore,
) -> None:
    for minute, message in enumerate(("first", "second", "third")):
        _log(store, None, "items", message, minute)
    out = Console(file=io.StringIO(), width=200, highlight=False)
    script = iter(
        [
            lambda: None,  # a quiet poll
            lambda: store.start_run("timer", ("items", "journals"), T0 + timedelta(hours=1)),
            lambda: (
                _log(store, 1, "journals", "fourth", 70),
                _log(store, 1, "items", "fifth", 71),
                store.finish_run(1, "error", T0 + timedelta(hours=1, minutes=2), False),
            ),
        ]
    )
    waits: list[float] = []

    def sleep(seconds: float) -> None:  # each poll first "sleeps": the sync works meanwhile
        waits.append(seconds)
        next(script)()

    assert follow(store, _args(limit=2), out, sleep=sleep, rounds=3) == 0

    lines = [line for line in out.file.getvalue().splitlines() if not line.startswith("    ")]
    assert "Following the sync log" in lines[0]
    tags = ("first", "second", "third", "fourth", "fifth", "▶", "■")
    shown = [next((tag for tag in tags if tag in line), line) for line in lines[1:]]
    assert shown == ["second", "third", "▶", "fourth", "fifth", "■"]
    assert "run 1 (timer) started: items, journals" in lines[3]
    assert "run 1 finished: ✗ error in 120.0 s" in lines[-1]
    assert waits == [1.0, 1.0, 1.0]


def test_follow_keeps_to_its_filters(store: StateStore) -> None:
    out = Console(file=io.StringIO(), width=200, highlight=False)

    def sleep(_: float) -> None:
        store.start_run("menu", ("items",), T0)
        _log(store, 1, "items", "an items error", 1)
        _log(store, 1, "journals", "a journals error", 2)
        store.finish_run(1, "error", T0, False)

    follow(store, _args(section="journals"), out, sleep=sleep, rounds=1)

    text = out.file.getvalue()
    assert "a journals error" in text and "an items error" not in text
    assert "▶ run 1" not in text and "■ run 1" not in text  # a run without journals


def test_log_filters_and_json(
    store: StateStore,
    tmp_path: Path,
    acctivate_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "acctivate_qbo.toml").write_text(f'[database]\nurl = "{acctivate_database_url}"\n')
    store.add_log(None, "items", T0, [NewLogEntry("warning", "w1", record="product A")])
    store.add_log(
        None, "items", T0 + timedelta(hours=2), [NewLogEntry("error", "e1", record="product B")]
    )

    code, out, _ = run_cli(monkeypatch, capsys, "log", "--json", cwd=tmp_path)
    assert code == 0 and [e["message"] for e in json.loads(out)] == ["e1", "w1"]  # newest first
    code, out, _ = run_cli(
        monkeypatch, capsys, "log", "--json", "--since", "2026-11-25T10:00", cwd=tmp_path
    )
    assert [e["message"] for e in json.loads(out)] == ["e1"]
    code, out, _ = run_cli(monkeypatch, capsys, "log", "--record", "product A", cwd=tmp_path)
    assert "w1" in out and "e1" not in out
    code, _, err = run_cli(monkeypatch, capsys, "log", "--section", "nonsense", cwd=tmp_path)
    assert code == 2 and "there is no section 'nonsense'; the sections are accounts" in err
