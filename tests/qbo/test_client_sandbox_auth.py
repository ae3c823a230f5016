"""Token refresh over real sockets: once per 401, persisted before use, one per realm."""

from __future__ import annotations

import logging
import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from qbo_test_support import oauth_for, refresh_in_child, store_with_tokens

from acctivate_qbo_plugin.qbo import (
    ClientSettings,
    InsecureTokenStore,
    QboClient,
    RateLimits,
    ReconnectNeeded,
    TokenManager,
    TokenStore,
)
from acctivate_qbo_plugin.qbo.auth import exchange_authorization_code

WAIT = 60.0


def test_401_mid_run_refreshes_once_persists_then_continues(
    qbo_sandbox: Any, make_client: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="acctivate_qbo_plugin.qbo")
    client = make_client(qbo_sandbox)
    store = TokenStore(tmp_path / "tokens.json")
    old = store.load_pair(qbo_sandbox.realm_id)
    client.company_info()
    qbo_sandbox.expire_access_tokens()
    caplog.clear()
    client.company_info()
    client.preferences()
    assert qbo_sandbox.count_requests("token") == 1
    new = store.load_pair(qbo_sandbox.realm_id)
    assert new is not None and old is not None
    assert new.access_token != old.access_token and new.refresh_token != old.refresh_token
    lines = [record.getMessage() for record in caplog.records]
    saved = next(i for i, line in enumerate(lines) if "saved a new token pair" in line)
    rejected = next(i for i, line in enumerate(lines) if "-> 401" in line)
    retried = next(
        i
        for i, line in enumerate(lines)
        if i > rejected and line.startswith("GET") and "-> 200" in line
    )
    assert rejected < saved < retried  # persisted before the new token was used


def test_proactive_refresh_before_expiry(qbo_sandbox: Any, tmp_path: Path) -> None:
    store = store_with_tokens(tmp_path / "t.json", qbo_sandbox.realm_id, qbo_sandbox.issue_tokens())
    soon = datetime.now(UTC) + timedelta(seconds=3590)  # 10 s before the hour is up
    tokens = TokenManager(store, qbo_sandbox.realm_id, oauth_for(qbo_sandbox), now=lambda: soon)
    with QboClient(
        qbo_sandbox.base_url,
        qbo_sandbox.realm_id,
        tokens,
        settings=ClientSettings(limits=RateLimits(requests_per_second=None)),
    ) as client:
        client.company_info()
    assert qbo_sandbox.count_requests("token") == 1
    assert not any(r.status == 401 for r in qbo_sandbox.request_log)


def test_invalid_grant_needs_reconnect_and_is_not_retried(
    qbo_sandbox: Any, make_client: Any, tmp_path: Path
) -> None:
    client = make_client(qbo_sandbox)
    qbo_sandbox.revoke_refresh_tokens()
    qbo_sandbox.expire_access_tokens()
    for _ in range(3):
        with pytest.raises(ReconnectNeeded) as caught:
            client.company_info()
        assert "acctivate-qbo connect" in caught.value.fix_hint
    assert qbo_sandbox.count_requests("token") == 1
    # Another client (or process) on the same store does not try the dead token again.
    other = make_client(qbo_sandbox)
    with pytest.raises(ReconnectNeeded):
        other.company_info()
    assert qbo_sandbox.count_requests("token") == 1
    # Reconnecting stores a new pair; the same client then works again.
    TokenStore(tmp_path / "tokens.json")  # still readable, still 0600
    store_with_tokens(tmp_path / "tokens.json", qbo_sandbox.realm_id, qbo_sandbox.issue_tokens())
    assert other.company_info().entity["CompanyName"]


def test_world_readable_store_is_refused_by_the_client(
    qbo_sandbox: Any, make_client: Any, tmp_path: Path
) -> None:
    client = make_client(qbo_sandbox)
    client.company_info()
    path = tmp_path / "tokens.json"
    assert (os.stat(path).st_mode & 0o777) == 0o600
    os.chmod(path, 0o644)
    qbo_sandbox.expire_access_tokens()
    with pytest.raises(InsecureTokenStore, match="chmod 600"):
        client.company_info()
    assert qbo_sandbox.count_requests("token") == 0


def test_authorization_code_exchange_stores_the_first_pair(
    qbo_sandbox: Any, tmp_path: Path
) -> None:
    import requests

    redirect = "http://127.0.0.1:9/callback"
    answer = requests.get(
        qbo_sandbox.authorize_url,
        params={
            "client_id": "test-client-id",
            "redirect_uri": redirect,
            "response_type": "code",
            "scope": "com.intuit.quickbooks.accounting",
            "state": "st-1",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    store = TokenStore(tmp_path / "connect.json")
    pair = exchange_authorization_code(
        oauth_for(qbo_sandbox), store, query["realmId"][0], query["code"][0], redirect
    )
    assert store.load_pair(qbo_sandbox.realm_id) == pair
    with pytest.raises(ReconnectNeeded):  # codes are single-use
        oauth_for(qbo_sandbox).exchange_code(query["code"][0], redirect)


def test_two_processes_refreshing_at_once_rotate_once(
    qbo_sandbox_factory: Any, tmp_path: Path
) -> None:
    sandbox = qbo_sandbox_factory(refresh_grace=0)
    path = tmp_path / "tokens.json"
    store_with_tokens(path, sandbox.realm_id, sandbox.issue_tokens())
    sandbox.expire_access_tokens()
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    children = [
        context.Process(
            target=refresh_in_child,
            args=(
                str(path),
                sandbox.realm_id,
                sandbox.base_url,
                sandbox.token_url,
                barrier,
                results,
            ),
        )
        for _ in range(2)
    ]
    for child in children:
        child.start()
    outcomes = [results.get(timeout=WAIT) for _ in children]
    for child in children:
        child.join(WAIT)
        assert child.exitcode == 0
    assert [status for status, _ in outcomes] == ["ok", "ok"], outcomes
    assert sandbox.count_requests("token") == 1  # one rotation, no invalid_grant
    # The stored pair is the live one: a fresh client uses it without refreshing.
    tokens = TokenManager(TokenStore(path), sandbox.realm_id, oauth_for(sandbox))
    with QboClient(sandbox.base_url, sandbox.realm_id, tokens) as client:
        client.company_info()
    assert sandbox.count_requests("token") == 1
