"""Paging never skips nor repeats a record, even while records change between pages."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from typing import Any

from acctivate_qbo_plugin.qbo import QueryPage, select


def seed(sandbox: Any, count: int, per_second: int | None, prefix: str) -> list[str]:
    """Create ``count`` customers directly in the sandbox, ``per_second`` per server second."""
    ids = []
    for index in range(count):
        if per_second and index % per_second == 0:
            sandbox.clock.shift(1)
        body = {"DisplayName": f"{prefix} {index:05d}", "Active": True}
        record = sandbox.put_entity("Customer", body)
        ids.append(record["Id"])
    sandbox.clock.shift(1)
    return ids


def touch(sandbox: Any, entity_id: str) -> None:
    """Edit a customer as a QBO user would: new SyncToken and LastUpdatedTime."""
    record = sandbox.entity("Customer", entity_id)
    record["Notes"] = f"edited {int(record['SyncToken']) + 1}"
    sandbox.put_entity("Customer", record)


def all_customers(sandbox: Any) -> dict[str, dict[str, Any]]:
    return {c["Id"]: c for c in sandbox.entities("Customer") if c.get("Active", True)}


def test_2500_records_with_100_updated_during_paging(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    ids = seed(qbo_sandbox, 2500, per_second=7, prefix="Pager")
    rng = random.Random(7)
    pages: list[QueryPage] = []
    delivered: set[str] = set()

    def on_page(page: QueryPage) -> None:
        pages.append(page)
        delivered.update(row["Id"] for row in page.rows)
        if len(pages) <= 2:
            # Half already delivered (they must come back newer), half not yet reached.
            seen = [i for i in ids if i in delivered]
            unseen = [i for i in ids if i not in delivered]
            for entity_id in rng.sample(seen, 25) + rng.sample(unseen, 25):
                touch(qbo_sandbox, entity_id)

    result = client.query_all(select("Customer"), on_page=on_page)
    expected = all_customers(qbo_sandbox)
    got = Counter(row["Id"] for row in result.rows)
    assert set(got) == set(expected)
    assert max(got.values()) == 1, "a record came twice"
    latest = {row["Id"]: row["SyncToken"] for row in result.rows}
    assert latest == {i: c["SyncToken"] for i, c in expected.items()}  # latest versions
    assert sum(1 for i in ids if expected[i]["SyncToken"] != "0") == 100
    assert result.time == pages[0].time and len(pages) == result.pages >= 3


def test_small_pages_across_tied_seconds(qbo_sandbox_factory: Any, make_client: Any) -> None:
    # Forty small pages in a row: the server's own rate limits are not under test here.
    qbo_sandbox = qbo_sandbox_factory(requests_per_second=None, requests_per_minute=None)
    client = make_client(qbo_sandbox)
    ids = seed(qbo_sandbox, 300, per_second=4, prefix="Small")
    rng = random.Random(3)
    seen: dict[str, list[str]] = {}
    # Iterate the generator itself and edit between pages.
    for page in client.iter_pages(select("Customer"), page_size=10):
        for row in page.rows:
            versions = seen.setdefault(row["Id"], [])
            assert not versions or int(row["SyncToken"]) > int(versions[-1]), "repeat"
            versions.append(row["SyncToken"])
        if len(seen) < 250:
            touch(qbo_sandbox, rng.choice(ids))
    expected = all_customers(qbo_sandbox)
    assert set(seen) == set(expected)
    assert {i: v[-1] for i, v in seen.items()} == {i: c["SyncToken"] for i, c in expected.items()}


def test_more_than_a_page_in_one_second_falls_back_to_offsets(
    qbo_sandbox: Any, make_client: Any
) -> None:
    client = make_client(qbo_sandbox)
    ids = seed(qbo_sandbox, 2200, per_second=None, prefix="Crowd")  # all in one second
    rng = random.Random(11)
    pages = 0

    def on_page(page: QueryPage) -> None:
        nonlocal pages
        pages += 1
        if pages in (2, 3):
            # Rows leaving the crowded second shift the others under our offset.
            qbo_sandbox.clock.shift(1)
            for entity_id in rng.sample(ids, 40):
                touch(qbo_sandbox, entity_id)

    result = client.query_all(select("Customer"), on_page=on_page)
    expected = all_customers(qbo_sandbox)
    got = Counter(row["Id"] for row in result.rows)
    assert set(got) == set(expected) and max(got.values()) == 1
    assert {r["Id"]: r["SyncToken"] for r in result.rows} == {
        i: c["SyncToken"] for i, c in expected.items()
    }


def test_changed_since_window_and_inactive_rows(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    seed(qbo_sandbox, 20, per_second=2, prefix="Before")
    since = client.company_info().time
    assert since is not None
    qbo_sandbox.clock.shift(2)
    later = seed(qbo_sandbox, 12, per_second=3, prefix="After")
    gone = qbo_sandbox.entity("Customer", later[0])
    gone["Active"] = False
    qbo_sandbox.put_entity("Customer", gone)

    window = client.changed_since("Customer", since)
    assert sorted(r["Id"] for r in window.rows) == sorted(later)
    assert window.time is not None and window.time >= since
    active_only = client.changed_since("Customer", since, include_inactive=False)
    assert sorted(r["Id"] for r in active_only.rows) == sorted(later[1:])
    bounded = client.changed_since("Customer", since, until=since + timedelta(seconds=3))
    assert 0 < len(bounded.rows) < len(later)
