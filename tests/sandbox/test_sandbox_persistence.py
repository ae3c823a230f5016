"""Persistence: the state survives a restart, written atomically and privately."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from sandbox_http import QboHttp

from acctivate_qbo_plugin.sandbox import SandboxServer, SandboxSettings

NO_LIMITS = {"requests_per_minute": None, "requests_per_second": None, "batch_per_minute": None}


def _settings(path: Path) -> SandboxSettings:
    return SandboxSettings(persist_path=path, **NO_LIMITS)


def test_records_tokens_replays_and_deletions_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state" / "sandbox.json"
    with SandboxServer(_settings(path)) as first:
        since = (first.clock.now() - dt.timedelta(seconds=5)).isoformat()
        client = QboHttp(first)
        pair = first.issue_tokens()
        customer = client.created(
            "Customer", {"DisplayName": "Persisted Customer"}, requestid="persist-1"
        )
        line = {
            "Amount": 5.0,
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
        }
        invoice = client.created(
            "Invoice", {"CustomerRef": {"value": customer["Id"]}, "Line": [line]}
        )
        client.post("/invoice", {"Id": invoice["Id"], "SyncToken": "0"}, operation="delete")
        voided = client.created("Invoice", {"CustomerRef": {"value": "1"}, "Line": [line]})
        client.post("/invoice", {"Id": voided["Id"], "SyncToken": "0"}, operation="void")
        balance = first.entity("Customer", "1")["Balance"]
        # As stored now: the invoices moved its balance (and with it LastUpdatedTime).
        customer = first.entity("Customer", customer["Id"])
        client.close()
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["sandbox.json"]  # no temp file left

    with SandboxServer(_settings(path)) as second:
        client = QboHttp(second, access_token=pair["access_token"])  # the old token still works
        assert client.read("Customer", customer["Id"]).json()["Customer"] == customer
        replay = client.create(
            "Customer", {"DisplayName": "Persisted Customer"}, requestid="persist-1"
        )
        assert replay.status_code == 200 and replay.json()["Customer"]["Id"] == customer["Id"]
        blocks = client.cdc("Invoice", since).json()["CDCResponse"][0]["QueryResponse"]
        stubs = [row["Id"] for row in blocks[0]["Invoice"] if row.get("status") == "Deleted"]
        assert stubs == [invoice["Id"]]
        # The void survived: deleting the voided invoice does not move the balance again.
        client.post("/invoice", {"Id": voided["Id"], "SyncToken": "1"}, operation="delete")
        assert second.entity("Customer", "1")["Balance"] == balance
        new = client.created("Customer", {"DisplayName": "After Restart"})
        assert int(new["Id"]) > int(customer["Id"])  # Ids are never reused
        client.close()


def test_save_writes_on_demand_and_atomically(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    sandbox = SandboxServer(_settings(path))
    sandbox.put_entity("Vendor", {"DisplayName": "Saved Early"})
    sandbox.save()
    saved = json.loads(path.read_text())
    assert any(v["DisplayName"] == "Saved Early" for v in saved["company"]["entities"]["Vendor"])
    assert "access_token" not in path.read_text()
    sandbox.stop()


def test_a_broken_state_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="delete the file"):
        SandboxServer(_settings(path))
    path.write_text(json.dumps({"format": 99}))
    with pytest.raises(ValueError, match="not a sandbox state file"):
        SandboxServer(_settings(path))


def test_without_a_path_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with SandboxServer(SandboxSettings()) as sandbox:
        QboHttp(sandbox).created("Customer", {"DisplayName": "Ephemeral"})
        with pytest.raises(RuntimeError, match="persist_path"):
            sandbox.save()
    assert list(tmp_path.iterdir()) == []
