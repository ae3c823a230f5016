"""Scale: CDC and queries over 10,000 records answer well under a second each."""

from __future__ import annotations

import datetime as dt
import time

from sandbox_http import QboHttp

from acctivate_qbo_plugin.sandbox import SandboxServer

RECORDS = 10_000


def test_cdc_and_queries_over_ten_thousand_records_are_fast(
    sandbox: SandboxServer, api: QboHttp
) -> None:
    since = (sandbox.clock.now() - dt.timedelta(seconds=1)).isoformat()
    for number in range(RECORDS):
        if number % 100 == 0:
            sandbox.clock.shift(1)  # spread the changes over 100 seconds
        sandbox.put_entity(
            "Customer", {"DisplayName": f"Scale Customer {number:05d}", "Active": True}
        )

    started = time.monotonic()
    cdc = api.cdc("Customer", since)
    cdc_seconds = time.monotonic() - started
    rows = cdc.json()["CDCResponse"][0]["QueryResponse"][0]["Customer"]
    assert len(rows) == 1000 and rows[0]["DisplayName"] == "Scale Customer 00000"

    started = time.monotonic()
    page = api.query(
        f"SELECT * FROM Customer WHERE Metadata.LastUpdatedTime >= '{since}' "
        "ORDERBY Metadata.LastUpdatedTime, Id STARTPOSITION 5001 MAXRESULTS 1000"
    )
    query_seconds = time.monotonic() - started
    assert page.json()["QueryResponse"]["maxResults"] == 1000

    started = time.monotonic()
    count = api.query("SELECT COUNT(*) FROM Customer WHERE DisplayName LIKE 'Scale%'")
    count_seconds = time.monotonic() - started
    assert count.json()["QueryResponse"]["totalCount"] == RECORDS

    assert cdc_seconds < 0.5, cdc_seconds
    assert query_seconds < 0.5, query_seconds
    assert count_seconds < 0.5, count_seconds


def test_a_thousand_records_go_through_batch_quickly(sandbox: SandboxServer, api: QboHttp) -> None:
    started = time.monotonic()
    for batch_number in range(34):
        items = [
            {
                "bId": f"b{n}",
                "operation": "create",
                "Customer": {"DisplayName": f"Bulk {batch_number}-{n}"},
            }
            for n in range(30)
        ]
        response = api.batch(items)
        assert response.status_code == 200
        assert all("Customer" in item for item in response.json()["BatchItemResponse"])
    assert time.monotonic() - started < 5
    assert (
        sum(1 for c in sandbox.entities("Customer") if c["DisplayName"].startswith("Bulk ")) == 1020
    )
