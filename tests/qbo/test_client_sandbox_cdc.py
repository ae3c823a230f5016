"""CDC windows over the 1000-object cap are read forward until nothing is lost, at about one
call per thousand changes; crowded seconds are queried; old windows refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from qbo_test_support import settle

from acctivate_qbo_plugin.qbo import CdcWindowTooOld


def window_start(client: Any) -> datetime:
    time = client.company_info().time
    assert time is not None
    return time


def test_window_over_the_cap_is_read_forward_and_nothing_is_lost(
    qbo_sandbox: Any, make_client: Any
) -> None:
    client = make_client(qbo_sandbox)
    since = window_start(client)
    created = []
    for index in range(2600):
        if index % 9 == 0:
            qbo_sandbox.clock.shift(1)
        created.append(qbo_sandbox.put_entity("Customer", {"DisplayName": f"CDC {index:05d}"}))
    deleted_ids = [record["Id"] for record in created[100:1900:60]]
    for entity_id in deleted_ids:
        qbo_sandbox.delete_entity("Customer", entity_id)
    qbo_sandbox.clock.shift(1)

    before = qbo_sandbox.count_requests("cdc")
    result = client.cdc(["Customer"], since)
    settle(client)
    calls = qbo_sandbox.count_requests("cdc") - before
    # 2600 changes cannot come in fewer than three answers; each answer re-reads only the
    # second it was cut in, so three is also enough.
    assert calls == result.calls == 3

    live = {r["Id"] for r in created} - set(deleted_ids)
    assert {row["Id"] for row in result.changed["Customer"]} == live
    assert sorted(stub.id for stub in result.deleted["Customer"]) == sorted(deleted_ids)
    assert all(stub.last_updated is not None for stub in result.deleted["Customer"])
    assert result.time is not None and result.time >= since


def test_several_entities_split_per_entity(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    since = window_start(client)
    qbo_sandbox.clock.shift(1)
    customers = [
        qbo_sandbox.put_entity("Customer", {"DisplayName": f"Split C {i}"}) for i in range(700)
    ]
    qbo_sandbox.clock.shift(1)
    account = next(a for a in qbo_sandbox.entities("Account") if a.get("AccountType") == "Income")
    items = [
        qbo_sandbox.put_entity(
            "Item",
            {
                "Name": f"Split Item {i}",
                "Type": "Service",
                "IncomeAccountRef": {"value": account["Id"]},
            },
        )
        for i in range(600)
    ]
    qbo_sandbox.clock.shift(1)
    result = client.cdc(["Customer", "Item", "Vendor"], since)
    assert {r["Id"] for r in result.changed["Customer"]} == {c["Id"] for c in customers}
    assert {r["Id"] for r in result.changed["Item"]} == {i["Id"] for i in items}
    assert result.changed["Vendor"] == () and result.deleted["Vendor"] == ()
    assert result.calls == 4  # the full answer, then one per entity


def test_several_entities_over_the_cap_cost_about_one_call_per_thousand(
    qbo_sandbox: Any, make_client: Any
) -> None:
    client = make_client(qbo_sandbox)
    since = window_start(client)
    made: dict[str, set[str]] = {"Customer": set(), "Vendor": set()}
    for index in range(3000):
        if index % 10 == 0:
            qbo_sandbox.clock.shift(1)
        entity = "Customer" if index % 2 else "Vendor"
        made[entity].add(qbo_sandbox.put_entity(entity, {"DisplayName": f"Both {index}"})["Id"])
    qbo_sandbox.clock.shift(1)
    result = client.cdc(["Customer", "Vendor"], since)
    assert {r["Id"] for r in result.changed["Customer"]} == made["Customer"]
    assert {r["Id"] for r in result.changed["Vendor"]} == made["Vendor"]
    # The full answer of both, then each entity's 1500 changes in two answers.
    assert result.calls == 5


def test_entities_crowded_out_of_a_full_answer_are_asked_again_together(
    qbo_sandbox: Any, make_client: Any
) -> None:
    client = make_client(qbo_sandbox)
    since = window_start(client)
    customers = set()
    for index in range(1500):
        if index % 10 == 0:
            qbo_sandbox.clock.shift(1)
        customers.add(qbo_sandbox.put_entity("Customer", {"DisplayName": f"Early {index}"})["Id"])
    qbo_sandbox.clock.shift(1)
    # Changed after every customer: the full first answer has no room for them.
    vendors = {
        qbo_sandbox.put_entity("Vendor", {"DisplayName": f"Late {i}"})["Id"] for i in range(5)
    }
    qbo_sandbox.clock.shift(1)
    result = client.cdc(["Customer", "Vendor", "Item"], since)
    assert {r["Id"] for r in result.changed["Customer"]} == customers
    assert {r["Id"] for r in result.changed["Vendor"]} == vendors
    # The full answer; the customers on from their newest change; vendors and items together.
    assert result.calls == 3


def test_a_second_with_more_changes_than_an_answer_holds_is_queried(
    qbo_sandbox: Any, make_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = make_client(qbo_sandbox)
    since = window_start(client)
    qbo_sandbox.clock.shift(1)
    qbo_sandbox.clock.freeze()
    crowded = {
        qbo_sandbox.put_entity("Customer", {"DisplayName": f"Same second {i}"})["Id"]
        for i in range(1200)
    }
    qbo_sandbox.clock.shift(1)
    later = qbo_sandbox.put_entity("Customer", {"DisplayName": "A second later"})["Id"]
    qbo_sandbox.clock.unfreeze()
    qbo_sandbox.clock.shift(1)
    before_cdc, before_query = (qbo_sandbox.count_requests(k) for k in ("cdc", "query"))
    with caplog.at_level("WARNING", logger="acctivate_qbo_plugin.qbo.cdc"):
        result = client.cdc(["Customer"], since)
    assert {r["Id"] for r in result.changed["Customer"]} == crowded | {later}
    # A full answer, then one from the crowded second (full again, all of it that second), the
    # query of the second (its own paging re-checks it), then one answer for the rest.
    assert qbo_sandbox.count_requests("cdc") - before_cdc == result.calls == 3
    assert qbo_sandbox.count_requests("query") > before_query
    assert "reading them with a query" in caplog.text


def test_small_window_is_one_call(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    since = window_start(client)
    qbo_sandbox.clock.shift(1)
    record = qbo_sandbox.put_entity("Customer", {"DisplayName": "One Change"})
    result = client.cdc(["Customer", "Invoice"], since)
    assert [r["Id"] for r in result.changed["Customer"]] == [record["Id"]]
    assert result.changed["Invoice"] == () and result.calls == 1


def test_window_older_than_30_days_is_refused_without_a_call(
    qbo_sandbox: Any, make_client: Any
) -> None:
    client = make_client(qbo_sandbox)
    before = qbo_sandbox.count_requests("cdc")
    with pytest.raises(CdcWindowTooOld) as caught:
        client.cdc(["Customer"], datetime.now(UTC) - timedelta(days=29, hours=12))
    assert qbo_sandbox.count_requests("cdc") == before
    assert "changed_since()" in str(caught.value)
    # Inside the margin it goes through.
    client.cdc(["Customer"], datetime.now(UTC) - timedelta(days=28))
    settle(client)
    assert qbo_sandbox.count_requests("cdc") == before + 1


def test_naive_datetimes_are_refused(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    with pytest.raises(ValueError, match="has no time zone"):
        client.cdc(["Customer"], datetime(2024, 1, 1))
