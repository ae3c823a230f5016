"""Settings and the server's lifecycle: clear errors for bad input, no secrets in reprs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sandbox_http import QboHttp

from acctivate_qbo_plugin.sandbox import SandboxServer, SandboxSettings


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"port": 70000}, "port must be an integer"),
        ({"realm_id": ""}, "realm_id must be a non-empty string"),
        ({"company_timezone": "Nowhere/Special"}, "company_timezone"),
        ({"access_token_ttl": 0}, "access_token_ttl must be a positive number"),
        ({"refresh_grace": -1}, "refresh_grace must be zero or a positive number"),
        ({"requests_per_minute": 0}, "requests_per_minute must be a positive integer or None"),
        ({"time_scale": -2}, "time_scale must be a positive number"),
        ({"throttle_status": 418}, "throttle_status must be 429"),
        ({"book_close_date": "31/12/2026"}, "book_close_date must be YYYY-MM-DD"),
    ],
)
def test_bad_settings_say_what_is_wrong(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SandboxSettings(**overrides)  # type: ignore[arg-type]


def test_unknown_factory_overrides_list_the_valid_names(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    with pytest.raises(ValueError, match=r"unknown SandboxSettings field.*refresh_grace"):
        qbo_sandbox_factory(refresh_grase=0)


def test_a_configured_closing_date_and_realm_are_used(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(book_close_date="2020-12-31", realm_id="123145")
    assert sandbox.realm_id == "123145"
    assert sandbox.api_url.endswith("/v3/company/123145")
    prefs = QboHttp(sandbox).get("/preferences").json()["Preferences"]
    assert prefs["AccountingInfoPrefs"]["BookCloseDate"] == "2020-12-31"


def test_urls_need_a_running_server() -> None:
    sandbox = SandboxServer()
    with pytest.raises(RuntimeError, match="not running"):
        _ = sandbox.base_url
    with sandbox:
        assert sandbox.token_url == f"{sandbox.base_url}/oauth2/v1/tokens/bearer"
        assert sandbox.authorize_url == f"{sandbox.base_url}/connect/oauth2"
        assert sandbox.port > 0
    with pytest.raises(RuntimeError, match="create a new one"):
        sandbox.start()


def test_an_unseeded_company_still_has_preferences_and_company_info(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(seed=False)
    assert sandbox.entities("Customer") == []
    client = QboHttp(sandbox)
    assert client.get("/preferences").status_code == 200
    assert client.get(f"/companyinfo/{sandbox.realm_id}").status_code == 200
    client.close()


def test_the_seed_company_has_what_the_plugin_syncs(qbo_sandbox: SandboxServer) -> None:
    accounts = {a["Name"] for a in qbo_sandbox.entities("Account")}
    assert {
        "Inventory Asset",
        "Sales of Product Income",
        "Services",
        "Cost of Goods Sold",
        "Accounts Receivable (A/R)",
        "Accounts Payable (A/P)",
        "Undeposited Funds",
        "Checking",
        "Inventory Shrinkage",
        "Opening Balance Equity",
    } <= accounts
    assert {t["Name"] for t in qbo_sandbox.entities("Term")} >= {
        "Net 30",
        "Net 15",
        "Due on receipt",
    }
    assert {c["Id"] for c in qbo_sandbox.entities("TaxCode")} >= {"TAX", "NON"}
    assert [r["RateValue"] for r in qbo_sandbox.entities("TaxRate")] == [8]
    customers = qbo_sandbox.entities("Customer")
    assert len(customers) == 4  # three customers and one job (sub-customer)
    job = next(c for c in customers if c["Job"])
    assert job["FullyQualifiedName"] == "Freeman Sporting Goods:55 Twin Lane"
    assert len(qbo_sandbox.entities("Vendor")) == 3 and len(qbo_sandbox.entities("Employee")) == 1
    item_types = {i["Type"] for i in qbo_sandbox.entities("Item")}
    assert {"Inventory", "Service"} <= item_types
    assert len(qbo_sandbox.entities("PaymentMethod")) >= 2


def test_inspection_returns_copies_and_bad_names_are_clear(qbo_sandbox: SandboxServer) -> None:
    customer = qbo_sandbox.entity("Customer", "1")
    assert customer is not None
    customer["DisplayName"] = "Mutated Copy"
    assert qbo_sandbox.entity("Customer", "1")["DisplayName"] == "Amy's Bird Sanctuary"
    assert qbo_sandbox.entity("Customer", "999") is None
    with pytest.raises(ValueError, match="unknown QBO entity 'Custmer'"):
        qbo_sandbox.entities("Custmer")
    with pytest.raises(LookupError, match="no Customer with Id '999'"):
        qbo_sandbox.delete_entity("Customer", "999")
    with pytest.raises(ValueError, match="needs a JSON object"):
        qbo_sandbox.put_entity("Customer", ["not", "a", "dict"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"MetaData\.LastUpdatedTime"):
        qbo_sandbox.put_entity("Customer", {"DisplayName": "No Meta"}, keep_metadata=True)


def test_the_request_log_can_be_counted_and_reset(qbo_sandbox: SandboxServer) -> None:
    client = QboHttp(qbo_sandbox)
    client.get("/customer/1")
    client.rows("SELECT * FROM Item")
    client.created("Customer", {"DisplayName": "Logged"})
    record = qbo_sandbox.request_log[-1]
    assert (record.method, record.kind, record.entity, record.status) == (
        "POST",
        "create",
        "Customer",
        200,
    )
    assert record.intuit_tid and record.time.tzinfo is not None
    assert qbo_sandbox.count_requests() == 3
    assert qbo_sandbox.count_requests("read") == 1 and qbo_sandbox.count_requests("query") == 1
    assert qbo_sandbox.count_requests(entity="Customer") == 2
    qbo_sandbox.reset_request_log()
    assert qbo_sandbox.request_log == []
    client.close()


def test_an_unknown_path_answers_unsupported_operation(qbo_sandbox: SandboxServer) -> None:
    client = QboHttp(qbo_sandbox)
    response = client.get("/spaceship/1")
    assert response.status_code == 400
    assert response.json()["Fault"]["Error"][0]["code"] == "500"
    assert response.json()["Fault"]["Error"][0]["Message"] == "Unsupported Operation"
    assert client.session.get(f"{qbo_sandbox.base_url}/nothing", timeout=10).status_code == 404
    client.close()
