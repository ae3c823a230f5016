"""Shared fixtures of the QBO client tests: the sandbox, a fake clock, a client factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from qbo_test_support import FakeClock, store_with_tokens

from acctivate_qbo_plugin.qbo import (
    ClientSettings,
    OAuthClient,
    QboClient,
    RateLimiter,
    RateLimits,
    RetryPolicy,
    TokenManager,
    TokenStore,
)
from acctivate_qbo_plugin.qbo.auth import ClientCredentials
from acctivate_qbo_plugin.sandbox.fixtures import qbo_sandbox, qbo_sandbox_factory  # noqa: F401
from tests.fixture_paths import QBO_FIXTURES

FIXTURES = QBO_FIXTURES


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fixtures_dir() -> Path:
    if not (FIXTURES / "recorded").is_dir():
        pytest.fail(
            f"recorded QBO fixtures not found at {FIXTURES}; set ACCTIVATE_QBO_FIXTURES to a "
            f"qbo-fixtures folder"
        )
    return FIXTURES


MakeClient = Callable[..., QboClient]


@pytest.fixture
def make_client(tmp_path: Path, fake_clock: FakeClock) -> Iterator[MakeClient]:
    """Build a client for a running sandbox, tokens in a fresh store, waits on the fake clock.

    Keyword arguments override ClientSettings fields; ``limits``/``retry`` default to
    generous values so only the behaviour under test shapes the run.
    """
    clients: list[QboClient] = []

    def build(sandbox: Any, *, store_path: Path | None = None, **overrides: Any) -> QboClient:
        path = store_path or tmp_path / "tokens.json"
        store = TokenStore(path)
        if store.load_pair(sandbox.realm_id) is None:
            store_with_tokens(path, sandbox.realm_id, sandbox.issue_tokens())
        oauth = OAuthClient(
            ClientCredentials("test-client-id", "test-client-secret-value"),
            token_url=sandbox.token_url,
        )
        tokens = TokenManager(store, sandbox.realm_id, oauth)
        overrides.setdefault(
            "limits",
            RateLimits(requests_per_minute=None, requests_per_second=None, batch_per_minute=None),
        )
        overrides.setdefault("retry", RetryPolicy(max_attempts=4, max_elapsed=60.0))
        overrides.setdefault("read_timeout", 10.0)
        overrides.setdefault("connect_timeout", 5.0)
        limiter = RateLimiter(overrides["limits"], clock=fake_clock, sleep=fake_clock.sleep)
        client = QboClient(
            sandbox.base_url,
            sandbox.realm_id,
            tokens,
            settings=ClientSettings(**overrides),
            rate_limiter=limiter,
            sleep=fake_clock.sleep,
            clock=fake_clock,
        )
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
