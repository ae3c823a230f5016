"""Replays every recorded QBO exchange against the sandbox and compares the answers' shapes.

For each file in qbo-fixtures/recorded/ a fresh sandbox is started, the entities the recorded
reads returned are loaded first (the recordings' ids refer to Intuit's sample company), then
every request is sent over HTTP. The sandbox must answer with the same status, the same
top-level and envelope keys, the same JSON types for the entity keys both sides have, the same
SyncToken where the recording shows one for the same Id, and the same error codes.

Adaptations (nothing is skipped):
- Paths are mapped to the sandbox realm (``-COMPANY_ID-`` and the ``/v3/<entity>`` shorthand).
- The books are opened back to 2000 (``book_close_date``) because the sample company's
  transactions are dated 2015-2020; with the default closing date they would answer 6210.
- cdc__basic.json asks for changes since 2011; the sandbox refuses windows older than 30 days
  (as QBO documents), so the recorded Estimates are loaded as fresh changes and the request
  asks for the last day instead.
- error__401.json: the access token is expired before the request, as in the recording.
- error__validation.json needs "Weiskopf Consulting" to exist: it is loaded from the
  customers that all__customers.json returned.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from sandbox_http import QboHttp, shared_fixtures

from acctivate_qbo_plugin.sandbox import SandboxServer

RECORDED = shared_fixtures() / "recorded"
FIXTURES = sorted(RECORDED.glob("*.json"))
ENVELOPE_KEYS = {"QueryResponse", "Fault", "Error", "fault", "CDCResponse", "BatchItemResponse"}
_PARAM_SPLIT = re.compile(r"&(?=(?:query|minorversion|requestid|operation|changedSince|entities)=)")


def test_every_recorded_fixture_is_replayed() -> None:
    assert len(FIXTURES) >= 20, f"the recorded fixtures are missing from {RECORDED}"


@pytest.mark.parametrize("fixture", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_sandbox_answers_like_the_recording(
    fixture: Path, qbo_sandbox_factory: Callable[..., SandboxServer]
) -> None:
    recording = json.loads(fixture.read_text())
    sandbox = qbo_sandbox_factory(
        requests_per_minute=None,
        requests_per_second=None,
        batch_per_minute=None,
        book_close_date="2000-01-01",
    )
    _preload(sandbox, fixture.name, recording)
    client = QboHttp(sandbox)
    try:
        for number, interaction in enumerate(recording["interactions"]):
            if fixture.name == "error__401.json":
                sandbox.expire_access_tokens()
            response = _send(client, sandbox, fixture.name, interaction["request"])
            where = f"{fixture.name} interaction {number}"
            _assert_same_shape(interaction["response"], response, where)
    finally:
        client.close()


# --- getting the sandbox into the recording's state ------------------------------------------


def _preload(sandbox: SandboxServer, name: str, recording: dict[str, Any]) -> None:
    if name == "cdc__basic.json":
        body = recording["interactions"][0]["response"]["body"]
        for block in body["CDCResponse"][0]["QueryResponse"]:
            for record in block.get("Estimate", []):
                sandbox.put_entity("Estimate", record)  # stamped now: a fresh change
        return
    for interaction in recording["interactions"]:
        if _is_read(interaction["request"]):
            for entity, record in _entities_in(interaction["response"]["body"]):
                sandbox.put_entity(entity, record, keep_metadata=True)
    if name == "error__validation.json":
        customers = json.loads((RECORDED / "all__customers.json").read_text())
        for interaction in customers["interactions"]:
            for entity, record in _entities_in(interaction["response"]["body"]):
                if record.get("DisplayName") == "Weiskopf Consulting":
                    sandbox.put_entity(entity, record, keep_metadata=True)


def _is_read(request: dict[str, Any]) -> bool:
    return request["method"] == "GET" or request["path"].endswith("/batch")


def _entities_in(body: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Entities a recorded read returned: a read, a query page, or a batch's query items."""
    if not isinstance(body, dict):
        return
    if "BatchItemResponse" in body:
        for item in body["BatchItemResponse"]:
            yield from _entities_in(
                {"QueryResponse": item["QueryResponse"]} if "QueryResponse" in item else {}
            )
        return
    query = body.get("QueryResponse")
    if isinstance(query, dict):
        for key, value in query.items():
            if isinstance(value, list):
                for record in value:
                    yield key, record
        return
    for key, value in body.items():
        if key[:1].isupper() and isinstance(value, dict) and "Id" in value:
            yield key, value


def _send(
    client: QboHttp, sandbox: SandboxServer, name: str, request: dict[str, Any]
) -> requests.Response:
    path = request["path"].replace("-COMPANY_ID-", sandbox.realm_id)
    if not path.startswith("/v3/company/"):
        path = path.replace("/v3/", f"/v3/company/{sandbox.realm_id}/", 1)
    params = dict(part.split("=", 1) for part in _PARAM_SPLIT.split(request["query"]) if part)
    if name == "cdc__basic.json":
        offset_now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        params["changedSince"] = offset_now.isoformat(timespec="seconds")
    url = sandbox.base_url + path
    if request["method"] == "GET":
        return client.session.get(url, params=params, timeout=10)
    return client.session.post(url, params=params, json=request["body"], timeout=10)


# --- comparing ---------------------------------------------------------------------------------


def _assert_same_shape(recorded: dict[str, Any], response: requests.Response, where: str) -> None:
    assert response.status_code == recorded["status"], (
        f"{where}: status {response.status_code}: {response.text[:300]}"
    )
    assert response.headers.get("intuit_tid"), f"{where}: no intuit_tid header"
    assert response.headers["Content-Type"].startswith("application/json"), where
    expected, actual = recorded["body"], response.json()
    assert _codes(actual) == _codes(expected), (
        f"{where}: fault codes {_codes(actual)} != {_codes(expected)}"
    )
    problems = list(_shape_problems(expected, actual, "$", strict=True))
    assert not problems, f"{where}:\n" + "\n".join(problems)


def _codes(body: Any) -> list[str]:
    codes = []
    if isinstance(body, dict):
        for fault in (body.get("Fault"), body.get("fault")):
            if isinstance(fault, dict):
                codes += [e.get("code") for e in fault.get("Error", fault.get("error", []))]
        for item in body.get("BatchItemResponse", []) or []:
            codes += _codes(item)
    return codes


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def _shape_problems(expected: Any, actual: Any, path: str, *, strict: bool) -> Iterator[str]:
    if _kind(expected) != _kind(actual):
        yield f"{path}: recorded {_kind(expected)}, sandbox {_kind(actual)}"
        return
    if isinstance(expected, dict):
        if strict and set(expected) != set(actual):
            yield f"{path}: keys {sorted(actual)} != recorded {sorted(expected)}"
        same_record = "Id" in expected and expected.get("Id") == actual.get("Id")
        if same_record and expected.get("SyncToken", actual.get("SyncToken")) != actual.get(
            "SyncToken"
        ):
            yield f"{path}: SyncToken {actual.get('SyncToken')} != {expected['SyncToken']}"
        for key in set(expected) & set(actual):
            child_strict = strict and (key in ENVELOPE_KEYS or not key[:1].isupper())
            yield from _shape_problems(
                expected[key], actual[key], f"{path}.{key}", strict=child_strict
            )
    elif isinstance(expected, list):
        if (
            strict
            and len(expected) != len(actual)
            and path.endswith(("BatchItemResponse", "QueryResponse"))
        ):
            yield f"{path}: {len(actual)} items != recorded {len(expected)}"
        for index, (left, right) in enumerate(zip(expected, actual, strict=False)):
            yield from _shape_problems(left, right, f"{path}[{index}]", strict=strict)
