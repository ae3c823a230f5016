"""``acctivate-qbo status``: sync times, outcomes, what waits on each side, the retry list and
the oldest unresolved error — on a host connected to the local sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from acctivate_qbo_plugin.config_edit import set_config_values
from acctivate_qbo_plugin.fake_host import FakeHost
from tests.cli.process import acctivate_qbo, run_cli

PULLED_ENTITIES = 7  # Account, Term, PaymentMethod, TaxCode, Customer, Vendor, Payment


def _share_database(host: FakeHost) -> FakeHost:
    """The host passes its database to the plugin; a command run beside it finds the same one
    through ``[database] url`` (which `acctivate-qbo install --database` writes)."""
    assert host.database_url is not None
    set_config_values(host.data_dir / "acctivate_qbo.toml", "database", {"url": host.database_url})
    return host


@pytest.fixture
def shared(host: FakeHost) -> FakeHost:
    """A connected host after its first sync, whose config names its database."""
    return _share_database(host)


def _unbalanced(host: FakeHost, number: str) -> int:
    return host.erp.post_journal(
        [("Cost of Goods Sold", "9.00", "0"), ("Inventory Asset", "0", "8.00")], number=number
    )


def _status(
    host: FakeHost,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
) -> dict[str, Any]:
    code, out, err = run_cli(monkeypatch, capsys, "status", "--json", *args, cwd=host.data_dir)
    assert code == 0, err
    return json.loads(out)


def _by_section(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["section"]: row for row in report["sections"]}


def test_status_counts_what_waits_on_each_side(
    shared: FakeHost, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for number in (1, 2):
        shared.erp.create_product(f"WAIT-{number}", price="5.00", taxable=False)
    shared.sandbox.clock.shift(2)  # QBO's change times have whole seconds: clear of the sync
    for number in (1, 2, 3):
        shared.sandbox.put_entity("Vendor", {"DisplayName": f"Waiting Vendor {number}"})

    report = _by_section(_status(shared, monkeypatch, capsys))

    assert report["items"]["waiting"] == {"host_to_qbo": 2, "qbo_to_host": None}
    assert report["vendors"]["waiting"] == {"host_to_qbo": None, "qbo_to_host": 3}
    assert report["accounts"]["waiting"]["qbo_to_host"] == 0
    assert report["journals"]["waiting"]["host_to_qbo"] == 0
    assert report["vendors"]["last_outcome"] == "success"
    assert report["vendors"]["sync_time"] is not None

    shared.sandbox.clock.shift(2)  # a window starting in the vendors' second would count them
    shared.sync_now()
    after = _by_section(_status(shared, monkeypatch, capsys))
    assert after["items"]["waiting"]["host_to_qbo"] == 0
    assert after["vendors"]["waiting"]["qbo_to_host"] == 0


def test_counting_asks_quickbooks_one_count_per_entity_and_offline_none(
    shared: FakeHost, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shared.sandbox.reset_request_log()

    _status(shared, monkeypatch, capsys)
    asked = shared.sandbox.request_log
    assert len(asked) == PULLED_ENTITIES
    assert all("COUNT" in record.query for record in asked)

    shared.sandbox.reset_request_log()
    offline = _status(shared, monkeypatch, capsys, "--offline")
    assert shared.sandbox.request_log == []
    assert offline["qbo_counts"].startswith("offline")
    assert _by_section(offline)["vendors"]["waiting"]["qbo_to_host"] is None


def test_status_shows_the_oldest_unresolved_error_of_a_failing_streak(
    shared: FakeHost, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _unbalanced(shared, "GL-OLD")
    shared.sync_now()
    _unbalanced(shared, "GL-NEW")
    shared.sync_now()

    journals = _by_section(_status(shared, monkeypatch, capsys))["journals"]

    error = journals["oldest_unresolved_error"]
    assert journals["last_outcome"] == "error"
    assert error["code"] == "out_of_balance" and error["failed_runs"] == 2
    assert "GL-OLD" in error["message"] and error["fix_hint"]
    code, out, _ = run_cli(monkeypatch, capsys, "status", "--offline", cwd=shared.data_dir)
    assert code == 0
    assert "journals: failing since" in out and "(2 run(s))" in out and "GL-OLD" in out
    assert "how to fix:" in out


def test_a_section_that_recovered_has_no_unresolved_error(
    shared: FakeHost, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from acctivate_qbo_plugin.reference_host import models as m

    bad = _unbalanced(shared, "GL-FIX")
    shared.sync_now()
    with shared.erp.session() as session, session.begin():
        line = session.get_one(m.GLJournal, bad).lines[1]
        line.credit = line.credit + 1
    assert shared.sync_now().sections["journals"].outcome == "success"

    journals = _by_section(_status(shared, monkeypatch, capsys, "--offline"))["journals"]
    assert journals["last_outcome"] == "success"
    assert journals["oldest_unresolved_error"] is None


def test_the_retry_list_and_its_oldest_record_in_quarantine_mode(
    connected_host_factory: Callable[..., FakeHost],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    host = _share_database(connected_host_factory(sync={"on_record_error": "quarantine"}))
    host.sync_now()
    bad = _unbalanced(host, "GL-RETRY")
    host.sync_now()

    journals = _by_section(_status(host, monkeypatch, capsys, "--offline"))["journals"]

    assert journals["retry_count"] == 1
    assert journals["oldest_retry"]["record"] == str(bad)
    assert journals["oldest_retry"]["code"] == "out_of_balance"
    _code, out, _ = run_cli(monkeypatch, capsys, "status", "--offline", cwd=host.data_dir)
    assert "journals: 1 record(s) on the retry list" in out


def test_status_when_quickbooks_does_not_answer(
    shared: FakeHost, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shared.sandbox.faults.fail_next(1, status=503)  # a status answers at once: no retry
    shared.sandbox.reset_request_log()

    report = _status(shared, monkeypatch, capsys)

    assert _by_section(report)["accounts"]["waiting"]["qbo_to_host"] is None
    assert _by_section(report)["vendors"]["waiting"]["qbo_to_host"] is None
    assert any("QuickBooks did not answer the count" in note for note in report["notes"])
    assert len(shared.sandbox.request_log) == 1  # the first failure stops the counting
    assert _by_section(report)["items"]["waiting"]["host_to_qbo"] == 0  # the host side still


def test_status_as_a_separate_process_draws_the_table(shared: FakeHost) -> None:
    done = acctivate_qbo("status", cwd=shared.data_dir)

    assert done.returncode == 0, done.stderr
    for header in ("section", "last run", "synced up to", "waiting →QBO", "waiting →host"):
        assert header in done.stdout
    assert "✓ success" in done.stdout


def test_status_before_any_sync_or_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(monkeypatch, capsys, "status", "--json", cwd=tmp_path)

    assert code == 0, err
    report = json.loads(out)
    assert report["qbo_counts"].startswith("QuickBooks was not asked: no QuickBooks company")
    assert {row["last_outcome"] for row in report["sections"]} == {None}
