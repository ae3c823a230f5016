"""open_client: tokens from the store, the client secret from the store or the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from qbo_test_support import store_with_tokens

from acctivate_qbo_plugin.qbo import (
    CLIENT_SECRET_ENV,
    AuthError,
    BatchItem,
    TokenStore,
    open_client,
    select,
)


def test_secret_from_the_environment_when_the_store_has_none(
    qbo_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tokens.json"
    store_with_tokens(path, qbo_sandbox.realm_id, qbo_sandbox.issue_tokens())
    monkeypatch.setenv(CLIENT_SECRET_ENV, "secret-from-the-environment")
    qbo_sandbox.expire_access_tokens()
    with open_client(
        path,
        qbo_sandbox.realm_id,
        base_url=qbo_sandbox.base_url,
        token_url=qbo_sandbox.token_url,
        client_id="app-id",
    ) as client:
        assert client.company_info().entity["CompanyName"]
    assert qbo_sandbox.count_requests("token") == 1


def test_secret_from_the_store_wins(
    qbo_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tokens.json"
    store = store_with_tokens(path, qbo_sandbox.realm_id, qbo_sandbox.issue_tokens())
    store.save_client_credentials("stored-app-id", "secret-from-the-store")
    monkeypatch.delenv(CLIENT_SECRET_ENV, raising=False)
    qbo_sandbox.expire_access_tokens()
    with open_client(
        path, qbo_sandbox.realm_id, base_url=qbo_sandbox.base_url, token_url=qbo_sandbox.token_url
    ) as client:
        assert client.company_info().entity["CompanyName"]


def test_no_secret_anywhere_is_a_clear_error_before_any_token_call(
    qbo_sandbox: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tokens.json"
    store_with_tokens(path, qbo_sandbox.realm_id, qbo_sandbox.issue_tokens())
    monkeypatch.delenv(CLIENT_SECRET_ENV, raising=False)
    with open_client(
        path,
        qbo_sandbox.realm_id,
        base_url=qbo_sandbox.base_url,
        token_url=qbo_sandbox.token_url,
        client_id="app-id",
    ) as client:
        client.company_info()  # a valid access token needs no secret
        qbo_sandbox.expire_access_tokens()
        with pytest.raises(AuthError) as caught:
            client.company_info()
    assert CLIENT_SECRET_ENV in str(caught.value) and str(path) in str(caught.value)
    assert qbo_sandbox.count_requests("token") == 0
    assert TokenStore(path).load_pair(qbo_sandbox.realm_id) is not None


def test_long_statements_go_as_a_post_body(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    customers = qbo_sandbox.entities("Customer")
    ids = [c["Id"] for c in customers] + [str(n) for n in range(100000, 100900)]
    page = client.query(select("Customer").where_in("Id", ids))
    assert len(select("Customer").where_in("Id", ids).statement) > 4000
    assert sorted(r["Id"] for r in page.rows) == sorted(
        c["Id"] for c in customers if c.get("Active", True)
    )


def test_batch_void_and_delete_items(qbo_sandbox: Any, make_client: Any) -> None:
    client = make_client(qbo_sandbox)
    customer = qbo_sandbox.entities("Customer")[0]
    item = next(i for i in qbo_sandbox.entities("Item") if i.get("Type") == "Service")
    line = {
        "Amount": 10.0,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": item["Id"]}, "Qty": 1, "UnitPrice": 10},
    }
    invoices = [
        client.create(
            "Invoice", {"CustomerRef": {"value": customer["Id"]}, "Line": [line]}, request_id=None
        ).entity
        for _ in range(2)
    ]
    results = client.batch(
        [
            BatchItem.void(
                "Invoice", invoices[0]["Id"], invoices[0]["SyncToken"], request_id="v-1"
            ),
            BatchItem.delete(
                "Invoice", invoices[1]["Id"], invoices[1]["SyncToken"], request_id="d-1"
            ),
        ]
    )
    assert results[0].ok and results[0].entity["TotalAmt"] == 0
    assert results[1].ok and results[1].deleted and results[1].entity["Id"] == invoices[1]["Id"]
    assert results[0].time is not None
    assert qbo_sandbox.entity("Invoice", invoices[1]["Id"]) is None
