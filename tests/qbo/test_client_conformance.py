"""Every recorded QBO exchange parses into the right result or the right typed error.

The recordings are real Intuit sandbox answers (tests/fixtures/qbo-fixtures/recorded); the XML
throttle bodies are Intuit's own (qbo-api.md section 4). Each reply goes through the same
parser the client uses on the wire.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from acctivate_qbo_plugin.qbo import (
    AuthError,
    DuplicateName,
    HttpReply,
    InvalidQuery,
    InvalidReference,
    MalformedResponse,
    QboError,
    StaleObject,
    Throttled,
    TransientError,
    UnexpectedFault,
    ValidationError,
)
from acctivate_qbo_plugin.qbo.faults import check_reply
from acctivate_qbo_plugin.qbo.parsing import (
    parse_batch,
    parse_cdc,
    parse_count,
    parse_delete,
    parse_entity,
    parse_query_page,
)

ENTITY_BY_PATH = {
    "customer": "Customer",
    "invoice": "Invoice",
    "account": "Account",
    "employee": "Employee",
    "salesreceipt": "SalesReceipt",
    "vendor": "Vendor",
}

# (file, interaction index) -> (error class, QBO code, HTTP status)
EXPECTED_ERRORS: dict[tuple[str, int], tuple[type[QboError], str, int]] = {
    ("error__400.json", 1): (InvalidQuery, "4001", 400),
    ("error__400_json.json", 0): (ValidationError, "2010", 400),
    ("error__401.json", 0): (AuthError, "3200", 401),
    ("error__500.json", 0): (UnexpectedFault, "500", 400),
    ("error__500.json", 1): (ValidationError, "2030", 400),
    ("error__validation.json", 0): (DuplicateName, "6240", 400),
}


def reply_of(response: dict[str, Any]) -> HttpReply:
    body = response["body"]
    raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    return HttpReply(response["status"], response["headers"], raw)


def expected_time(body: Any) -> datetime | None:
    value = body.get("time") if isinstance(body, dict) else None
    if value is None:
        return None
    if isinstance(value, int):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    return datetime.fromisoformat(value)


def interactions(fixtures: Path) -> list[tuple[str, int, dict[str, Any]]]:
    found = []
    for path in sorted((fixtures / "recorded").glob("*.json")):
        recorded = json.loads(path.read_text())
        for index, interaction in enumerate(recorded["interactions"]):
            found.append((path.name, index, interaction))
    return found


def check_success(name: str, request: dict[str, Any], response: dict[str, Any]) -> None:
    reply = reply_of(response)
    body = response["body"]
    query = parse_qs(request["query"], keep_blank_values=True)
    path = request["path"]
    when = expected_time(body)
    if path.endswith("/query"):
        statement = query["query"][0]
        if "count(*)" in statement.lower():
            counted = parse_count(reply)
            assert counted.count == body["QueryResponse"]["totalCount"]
            assert counted.time == when
            return
        entity = statement.split("FROM", 1)[1].split()[0] if "FROM" in statement else None
        page = parse_query_page(reply, entity)
        rows = body["QueryResponse"].get(entity, [])
        assert [row["Id"] for row in page.rows] == [row["Id"] for row in rows], name
        assert page.time == when
        assert page.intuit_tid == response["headers"]["Intuit-Tid"]
        if rows:
            assert page.entity_name == entity
            assert page.start_position == body["QueryResponse"]["startPosition"]
            assert page.max_results == len(rows)
        return
    if path.endswith("/cdc"):
        entities = query["entities"][0].split(",")
        cdc = parse_cdc(reply, [e.capitalize() for e in entities])
        recorded_rows = body["CDCResponse"][0]["QueryResponse"][0]["Estimate"]
        assert [row["Id"] for row in cdc.changed["Estimate"]] == [r["Id"] for r in recorded_rows]
        assert cdc.deleted["Estimate"] == ()
        assert cdc.time == when
        return
    if path.endswith("/batch"):
        items, time = parse_batch(reply)
        assert time == when
        assert items["bid1"].entity_name == "Vendor"
        assert items["bid1"].entity is not None and items["bid1"].entity["Id"] == "71"
        assert isinstance(items["bid2"].error, InvalidReference)
        assert items["bid2"].error.code == "610"
        assert isinstance(items["bid3"].error, StaleObject)
        assert items["bid3"].error.code == "5010"
        page = items["bid4"].query_page
        assert page is not None and page.entity_name == "SalesReceipt"
        assert len(page.rows) == 2
        return
    entity = ENTITY_BY_PATH[path.rstrip("/").split("/")[-1 if request["method"] == "POST" else -2]]
    if "operation=delete" in request["query"]:
        deleted = parse_delete(reply, entity)
        assert (deleted.entity_name, deleted.id, deleted.status) == ("Invoice", "266", "Deleted")
        assert deleted.time == when
        return
    result = parse_entity(reply, entity)
    assert result.entity == body[entity]
    assert result.id == body[entity]["Id"]
    assert result.sync_token == body[entity]["SyncToken"]
    assert result.time == when
    if "operation=void" in request["query"]:
        assert result.entity["TotalAmt"] == 0


def test_every_recorded_exchange_parses(fixtures_dir: Path) -> None:
    seen_errors = set()
    found = interactions(fixtures_dir)
    assert len(found) >= 40
    for name, index, interaction in found:
        request, response = interaction["request"], interaction["response"]
        if response["status"] >= 400:
            expected_class, code, status = EXPECTED_ERRORS[(name, index)]
            with pytest.raises(QboError) as caught:
                check_reply(reply_of(response))
            error = caught.value
            assert type(error) is expected_class, (name, index, error)
            assert (error.code, error.status) == (code, status)
            assert error.intuit_tid == response["headers"]["Intuit-Tid"]
            assert error.time == expected_time(response["body"])
            assert error.fix_hint
            seen_errors.add((name, index))
        else:
            check_success(name, request, response)
    assert seen_errors == set(EXPECTED_ERRORS)


def test_401_lower_case_fault_keeps_details_and_epoch_time(fixtures_dir: Path) -> None:
    recorded = json.loads((fixtures_dir / "recorded" / "error__401.json").read_text())
    with pytest.raises(AuthError) as caught:
        check_reply(reply_of(recorded["interactions"][0]["response"]))
    error = caught.value
    assert error.fault_type == "AUTHENTICATION"
    assert error.message.startswith("message=AuthenticationFailed")
    assert error.time == datetime(2020, 9, 29, 14, 51, 12, 830000, tzinfo=UTC)
    # QBO echoes (part of) the rejected token; it never reaches our message.
    assert "AB01601390262" not in str(error)
    assert "AB01601390262" not in error.detail


def test_validation_errors_carry_element(fixtures_dir: Path) -> None:
    recorded = json.loads((fixtures_dir / "recorded" / "error__500.json").read_text())
    with pytest.raises(ValidationError) as caught:
        check_reply(reply_of(recorded["interactions"][1]["response"]))
    assert caught.value.element == "Id"
    assert caught.value.time is None  # this 400 body has no time at all
    assert "Supplied value:1.5" in str(caught.value)


THROTTLE_429 = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<IntuitResponse time="2016-12-07T15:27:09.527-08:00" xmlns="http://schema.intuit.com/finance/v3">
  <Fault type="SERVICE"><Error code="3001">
    <Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>
    <Detail>The request limit was reached.  Try again later</Detail></Error></Fault>
</IntuitResponse>"""
THROTTLE_403 = b"""<IntuitResponse time="2016-10-27T15:07:56.120-07:00" xmlns="http://schema.intuit.com/finance/v3">
  <Fault type="SERVICE">
    <Error code="3001">
      <Message>message=ThrottleExceeded; errorCode=003001; statusCode=403</Message>
      <Detail>The request limit was reached.  Try again later</Detail>
    </Error>
  </Fault>
</IntuitResponse>"""


@pytest.mark.parametrize(
    ("status", "body", "when"),
    [
        (429, THROTTLE_429, "2016-12-07T15:27:09.527-08:00"),
        (403, THROTTLE_403, "2016-10-27T15:07:56.120-07:00"),
    ],
)
def test_xml_throttle_bodies_are_throttled(status: int, body: bytes, when: str) -> None:
    # Asked for JSON, got XML: the content type says json, the body is what counts.
    reply = HttpReply(status, {"Content-Type": "application/json", "Retry-After": "7"}, body)
    with pytest.raises(Throttled) as caught:
        check_reply(reply)
    error = caught.value
    assert (error.code, error.status, error.fault_type) == ("3001", status, "SERVICE")
    assert error.detail == "The request limit was reached.  Try again later"
    assert error.retry_after == 7.0
    assert error.time == datetime.fromisoformat(when)


def test_html_error_page_names_status_type_and_excerpt() -> None:
    page = b"<!DOCTYPE html><html><head><title>400 Bad Request</title></head><body>nope</body>"
    reply = HttpReply(400, {"Content-Type": "text/html; charset=utf-8"}, page)
    with pytest.raises(MalformedResponse) as caught:
        check_reply(reply)
    text = str(caught.value)
    assert "HTTP 400" in text and "text/html" in text and "400 Bad Request" in text


def test_html_on_a_gateway_error_is_transient() -> None:
    reply = HttpReply(502, {"Content-Type": "text/html"}, b"<html><h1>502 Bad Gateway</h1></html>")
    with pytest.raises(TransientError) as caught:
        check_reply(reply)
    assert caught.value.status == 502 and "502 Bad Gateway" in str(caught.value)


def test_truncated_json_is_malformed(fixtures_dir: Path) -> None:
    recorded = json.loads((fixtures_dir / "recorded" / "get__id.json").read_text())
    full = json.dumps(recorded["interactions"][0]["response"]["body"]).encode()
    reply = HttpReply(200, {"Content-Type": "application/json"}, full[: len(full) // 2])
    with pytest.raises(MalformedResponse) as caught:
        parse_entity(reply, "Customer")
    assert "invalid JSON" in str(caught.value) and "HTTP 200" in str(caught.value)


@pytest.mark.parametrize(
    ("body", "parser", "problem"),
    [
        (
            {"time": "2020-09-29T05:59:12.852-07:00"},
            lambda r: parse_entity(r, "Customer"),
            "expected a 'Customer' object",
        ),
        (
            {"Customer": {"Id": 5, "SyncToken": "1"}},
            lambda r: parse_entity(r, "Customer"),
            "Customer.Id is a int",
        ),
        (
            {"Customer": {"Id": "5", "SyncToken": 1}},
            lambda r: parse_entity(r, "Customer"),
            "SyncToken is a int",
        ),
        (
            {"Customer": {"Id": "5", "MetaData": {"LastUpdatedTime": 17}}},
            lambda r: parse_entity(r, "Customer"),
            "LastUpdatedTime",
        ),
        ({"QueryResponse": {"Customer": {"Id": "1"}}}, parse_query_page, "expected a list"),
        ({"QueryResponse": "none"}, parse_query_page, "expected an object"),
        (
            {"QueryResponse": {"startPosition": "1", "Customer": []}},
            parse_query_page,
            "startPosition is a str",
        ),
        ({"QueryResponse": {}}, parse_count, "no QueryResponse.totalCount"),
        ({"time": "2020-09-29T05:59:12.852-07:00"}, parse_query_page, "no QueryResponse"),
        (
            {"CDCResponse": {"QueryResponse": []}},
            lambda r: parse_cdc(r, ["Customer"]),
            "CDCResponse missing or not a list",
        ),
        ({"BatchItemResponse": [{"Vendor": {"Id": "1"}}]}, parse_batch, "has no bId"),
        (
            {"Customer": {"Id": "5"}, "time": "yesterday"},
            lambda r: parse_entity(r, "Customer"),
            "bad 'time' value",
        ),
        (
            {"Fault": {"Error": "boom"}},
            lambda r: parse_entity(r, "Customer"),
            "Fault.Error is a str",
        ),
        ([1, 2, 3], lambda r: parse_entity(r, "Customer"), "JSON list"),
    ],
)
def test_missing_keys_and_wrong_types_are_malformed(body: Any, parser: Any, problem: str) -> None:
    reply = HttpReply(200, {"Content-Type": "application/json"}, json.dumps(body).encode())
    with pytest.raises(MalformedResponse) as caught:
        parser(reply)
    assert problem in str(caught.value)
    assert caught.value.status == 200


def test_fault_inside_a_200_body_raises_its_typed_error() -> None:
    body = {
        "Fault": {
            "Error": [
                {"Message": "String length", "Detail": "Max:21", "code": "2050", "element": "D"},
                {
                    "Message": "Account Period Closed, Cannot Update Through Services API",
                    "Detail": "The account period has closed",
                    "code": "6210",
                },
            ],
            "type": "ValidationFault",
        },
        "time": "2024-01-05T10:00:00.000-08:00",
    }
    reply = HttpReply(200, {"intuit_tid": "tid-1"}, json.dumps(body).encode())
    with pytest.raises(QboError) as caught:
        parse_entity(reply, "JournalEntry")
    error = caught.value
    assert type(error).__name__ == "ClosedPeriod"  # the more specific error decides
    assert [fault.code for fault in error.errors] == ["2050", "6210"]
    assert error.intuit_tid == "tid-1"
    assert "close" in error.fix_hint


def test_cdc_entity_lists_are_found_by_name_and_empty_objects_tolerated() -> None:
    body = {
        "CDCResponse": [
            {
                "QueryResponse": [
                    {},
                    {
                        "Customer": [
                            {
                                "Id": "7",
                                "SyncToken": "2",
                                "MetaData": {"LastUpdatedTime": "2024-03-10T01:59:59-08:00"},
                            },
                            {
                                "domain": "QBO",
                                "status": "Deleted",
                                "Id": "39",
                                "MetaData": {"LastUpdatedTime": "2024-03-10T03:00:01-07:00"},
                            },
                        ],
                        "startPosition": 1,
                        "maxResults": 2,
                    },
                ]
            }
        ],
        "time": "2024-03-10T03:00:05.100-07:00",
    }
    cdc = parse_cdc(HttpReply(200, {}, json.dumps(body).encode()), ["Item", "Customer"])
    assert [row["Id"] for row in cdc.changed["Customer"]] == ["7"]
    assert [stub.id for stub in cdc.deleted["Customer"]] == ["39"]
    assert cdc.deleted["Customer"][0].last_updated == datetime.fromisoformat(
        "2024-03-10T03:00:01-07:00"
    )
    assert cdc.changed["Item"] == () and cdc.object_count == 2


def test_every_sandbox_record_parses(fixtures_dir: Path) -> None:
    lines = (fixtures_dir / "sandbox-records.jsonl").read_text().splitlines()
    assert len(lines) >= 80
    for line in lines:
        item = json.loads(line)
        entity, record = item["entity"], item["record"]
        body = {entity: record, "time": "2023-03-01T10:00:00.000-08:00"}
        result = parse_entity(HttpReply(200, {}, json.dumps(body).encode()), entity)
        assert result.entity == record
        page_body = {"QueryResponse": {entity: [record], "startPosition": 1, "maxResults": 1}}
        page = parse_query_page(HttpReply(200, {}, json.dumps(page_body).encode()), entity)
        assert page.rows == (record,)
