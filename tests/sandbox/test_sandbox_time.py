"""The server clock: response ``time``, MetaData precision and offsets across DST."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable

from sandbox_http import QboHttp

from acctivate_qbo_plugin.sandbox import SandboxServer

RESPONSE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$")
SECOND_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
SUMMER = dt.datetime(2027, 7, 15, 19, 30, tzinfo=dt.UTC)  # 12:30 PDT (-07:00)
WINTER = dt.datetime(2027, 12, 15, 20, 30, tzinfo=dt.UTC)  # 12:30 PST (-08:00)


def test_time_is_when_processing_started_with_ms_and_the_company_offset(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    before = sandbox.clock.now()
    body = api.get("/customer/1").json()
    after = sandbox.clock.now()
    assert RESPONSE_TIME.match(body["time"])
    stamp = dt.datetime.fromisoformat(body["time"])
    assert before - dt.timedelta(milliseconds=1) <= stamp <= after
    assert stamp.utcoffset() == sandbox.clock.now().astimezone(_la()).utcoffset()


def test_time_is_taken_before_injected_latency(api: QboHttp, sandbox: SandboxServer) -> None:
    sandbox.faults.latency(0.3)
    before = sandbox.clock.now()
    stamp = dt.datetime.fromisoformat(api.get("/customer/1").json()["time"])
    assert stamp - before < dt.timedelta(milliseconds=250)


def test_metadata_has_second_precision(api: QboHttp) -> None:
    created = api.created("Customer", {"DisplayName": "Stamped"})
    assert SECOND_STAMP.match(created["MetaData"]["CreateTime"])
    assert SECOND_STAMP.match(created["MetaData"]["LastUpdatedTime"])


def test_the_offset_follows_daylight_saving_time(sandbox: SandboxServer) -> None:
    sandbox.clock.travel_to(SUMMER)
    summer_client = QboHttp(sandbox)
    created = summer_client.created("Customer", {"DisplayName": "Across DST"})
    assert created["MetaData"]["CreateTime"] == "2027-07-15T12:30:00-07:00"
    assert summer_client.get("/customer/1").json()["time"].endswith("-07:00")
    sandbox.clock.travel_to(WINTER)
    winter_client = QboHttp(sandbox)  # the summer token expired months ago
    updated = winter_client.post(
        "/customer", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "Notes": "winter"}
    ).json()["Customer"]
    assert updated["MetaData"]["CreateTime"] == "2027-07-15T12:30:00-07:00"
    assert updated["MetaData"]["LastUpdatedTime"] == "2027-12-15T12:30:00-08:00"
    response = winter_client.get("/customer/1").json()
    assert response["time"].startswith("2027-12-15T12:30:") and response["time"].endswith("-08:00")
    # Across the change, a query on LastUpdatedTime still compares instants.
    rows = winter_client.rows(
        "SELECT * FROM Customer WHERE Metadata.LastUpdatedTime > '2027-12-15T20:29:59Z'"
    )
    assert [row["Id"] for row in rows] == [created["Id"]]


def test_clock_shift_across_the_spring_change_moves_the_offset(sandbox: SandboxServer) -> None:
    sandbox.clock.travel_to(dt.datetime(2027, 3, 14, 9, 59, 30, tzinfo=dt.UTC))  # 01:59:30 PST
    client = QboHttp(sandbox)
    created = client.created("Customer", {"DisplayName": "Spring Forward"})
    assert created["MetaData"]["LastUpdatedTime"] == "2027-03-14T01:59:30-08:00"
    sandbox.clock.shift(60)  # one minute later the clocks read 03:00:30 PDT
    updated = client.post(
        "/customer", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "Notes": "DST"}
    ).json()
    assert updated["Customer"]["MetaData"]["LastUpdatedTime"] == "2027-03-14T03:00:30-07:00"
    assert updated["Customer"]["MetaData"]["CreateTime"] == "2027-03-14T01:59:30-08:00"
    assert updated["time"].startswith("2027-03-14T03:00:30.") and updated["time"].endswith("-07:00")


def test_the_hour_that_repeats_in_autumn_keeps_instants_apart(sandbox: SandboxServer) -> None:
    first_pass = dt.datetime(2027, 11, 7, 8, 30, tzinfo=dt.UTC)  # 01:30 PDT
    second_pass = dt.datetime(2027, 11, 7, 9, 30, tzinfo=dt.UTC)  # 01:30 PST, an hour later
    sandbox.clock.travel_to(first_pass)
    early = QboHttp(sandbox).created("Customer", {"DisplayName": "First pass"})
    sandbox.clock.travel_to(second_pass)
    late = QboHttp(sandbox).created("Customer", {"DisplayName": "Second pass"})
    assert early["MetaData"]["CreateTime"] == "2027-11-07T01:30:00-07:00"
    assert late["MetaData"]["CreateTime"] == "2027-11-07T01:30:00-08:00"
    client = QboHttp(sandbox)
    since = "2027-11-07T01:45:00-07:00"  # between the two, though the wall time repeats
    rows = client.rows(f"SELECT * FROM Customer WHERE Metadata.CreateTime > '{since}'")
    assert [row["DisplayName"] for row in rows] == ["Second pass"]


def test_a_fixed_offset_company_zone(qbo_sandbox_factory: Callable[..., SandboxServer]) -> None:
    sandbox = qbo_sandbox_factory(company_timezone="-05:00")
    sandbox.clock.travel_to(SUMMER)
    created = QboHttp(sandbox).created("Customer", {"DisplayName": "Fixed Offset"})
    assert created["MetaData"]["CreateTime"] == "2027-07-15T14:30:00-05:00"


def test_clock_shift_moves_every_time_dependent_thing(api: QboHttp, sandbox: SandboxServer) -> None:
    assert sandbox.clock.offset == 0
    sandbox.clock.shift(-3600)
    stamp = dt.datetime.fromisoformat(api.get("/customer/1").json()["time"])
    assert abs((dt.datetime.now(dt.UTC) - stamp).total_seconds() - 3600) < 5
    assert "offset=-3600" in repr(sandbox.clock)


def _la() -> dt.tzinfo:
    return zoneinfo.ZoneInfo("America/Los_Angeles")


def test_a_frozen_clock_moves_only_when_shifted(api: QboHttp, sandbox: SandboxServer) -> None:
    sandbox.clock.freeze()
    first = api.get("/customer/1").json()["time"]
    assert api.get("/customer/1").json()["time"] == first
    sandbox.clock.shift(1.5)
    later = dt.datetime.fromisoformat(api.get("/customer/1").json()["time"])
    assert later - dt.datetime.fromisoformat(first) == dt.timedelta(seconds=1.5)
    assert "frozen" in repr(sandbox.clock)
    sandbox.clock.unfreeze()
    assert not sandbox.clock.frozen
    resumed = dt.datetime.fromisoformat(api.get("/customer/1").json()["time"])
    assert dt.timedelta(0) <= resumed - later < dt.timedelta(seconds=5)  # no jump back or ahead
