"""Every real QBO record in sandbox-records.jsonl loads into the sandbox and reads back intact."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from sandbox_http import QboHttp, shared_fixtures

from acctivate_qbo_plugin.sandbox import SandboxServer

RECORDS_FILE = shared_fixtures() / "sandbox-records.jsonl"
RECORDS: list[dict[str, Any]] = [
    json.loads(line) for line in RECORDS_FILE.read_text().splitlines() if line.strip()
]
SERVER_KEYS = {"domain", "sparse", "Id", "SyncToken", "MetaData"}
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_the_records_file_covers_many_entities() -> None:
    assert len(RECORDS) == 85
    assert len({line["entity"] for line in RECORDS}) >= 20


def test_every_record_reads_back_byte_for_byte_with_its_own_metadata(
    sandbox: SandboxServer, api: QboHttp
) -> None:
    for line in RECORDS:
        sandbox.put_entity(line["entity"], line["record"], keep_metadata=True)
    for line in RECORDS:
        entity, record = line["entity"], line["record"]
        response = api.read(entity, record["Id"])
        assert response.status_code == 200, response.text
        prefix = '{"' + entity + '":' + _compact(record) + ',"time":"'
        assert response.text.startswith(prefix), f"{entity} {record['Id']} changed on the way back"
        assert response.json()[entity] == record


def test_every_record_is_found_by_a_query_on_its_id(sandbox: SandboxServer, api: QboHttp) -> None:
    for line in RECORDS:
        sandbox.put_entity(line["entity"], line["record"], keep_metadata=True)
    for line in RECORDS:
        entity, record = line["entity"], line["record"]
        statement = f"SELECT * FROM {entity} WHERE Id = '{record['Id']}'"
        if "Active" in record:
            statement += " AND Active IN (true, false)"
        rows = api.rows(statement)
        assert rows == [record], f"{entity} {record['Id']}"


@pytest.mark.parametrize(
    "line", RECORDS[::7], ids=lambda line: f"{line['entity']}-{line['record']['Id']}"
)
def test_a_ui_edit_keeps_the_fields_and_restamps_the_server_keys(
    line: dict[str, Any], qbo_sandbox_factory: Callable[..., SandboxServer]
) -> None:
    sandbox = qbo_sandbox_factory(seed=False)  # nothing to collide with: the Id is new
    api = QboHttp(sandbox)
    entity, record = line["entity"], line["record"]
    stored = sandbox.put_entity(entity, record)
    body = api.read(entity, record["Id"]).json()[entity]
    assert body == stored
    assert {k: v for k, v in body.items() if k not in SERVER_KEYS} == {
        k: v for k, v in record.items() if k not in SERVER_KEYS
    }
    assert body["Id"] == record["Id"] and body["domain"] == "QBO" and body["sparse"] is False
    assert body["SyncToken"] == record["SyncToken"]  # a new record keeps the token it came with
    assert STAMP.match(body["MetaData"]["LastUpdatedTime"])
    assert body["MetaData"]["CreateTime"] == body["MetaData"]["LastUpdatedTime"]
    again = sandbox.put_entity(entity, body)
    assert again["SyncToken"] == str(int(record["SyncToken"]) + 1)
    assert again["MetaData"]["CreateTime"] == body["MetaData"]["CreateTime"]
    api.close()
