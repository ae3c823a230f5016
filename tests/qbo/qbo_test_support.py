"""Test helpers of the QBO client tests (imported by conftest and test modules)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from acctivate_qbo_plugin.qbo import OAuthClient, TokenPair, TokenStore
from acctivate_qbo_plugin.qbo.auth import ClientCredentials


class FakeClock:
    """A monotonic clock that only moves when someone sleeps on it; records every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._now += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


def refresh_in_child(
    store_path: str,
    realm_id: str,
    base_url: str,
    token_url: str,
    barrier: Any,
    results: Any,
) -> None:
    """Run in a spawned process: load the stored pair, wait for the sibling, then call QBO.

    The access token has been expired on the server, so the call answers 401 and the client
    must refresh; two processes doing that at once must end with one rotation between them.
    """
    from acctivate_qbo_plugin.qbo import (
        ClientSettings,
        OAuthClient,
        QboClient,
        RateLimits,
        TokenManager,
        TokenStore,
    )
    from acctivate_qbo_plugin.qbo.auth import ClientCredentials

    store = TokenStore(store_path)
    oauth = OAuthClient(
        ClientCredentials("test-client-id", "test-client-secret-value"), token_url=token_url
    )
    tokens = TokenManager(store, realm_id, oauth)
    limits = RateLimits(requests_per_minute=None, requests_per_second=None)
    with QboClient(base_url, realm_id, tokens, settings=ClientSettings(limits=limits)) as client:
        tokens.current_pair()
        barrier.wait(30)
        try:
            name = client.company_info().entity.get("CompanyName")
            results.put(("ok", str(name)))
        except Exception as exc:  # reported to the parent, which asserts on it
            results.put(("error", f"{type(exc).__name__}: {exc}"))


def store_with_tokens(path: Path, realm_id: str, token_response: dict[str, Any]) -> TokenStore:
    """A token store holding the pair the sandbox issued (as `connect` would leave it)."""
    store = TokenStore(path)
    store.save_pair(realm_id, TokenPair.from_token_response(token_response, datetime.now(UTC)))
    return store


def oauth_for(sandbox: Any) -> OAuthClient:
    """An OAuth client for the sandbox's token endpoint (it accepts any client credentials)."""
    return OAuthClient(
        ClientCredentials("test-client-id", "test-client-secret-value"),
        token_url=sandbox.token_url,
    )


def settle(client: Any) -> None:
    """Make sure the sandbox has logged the client's previous requests before we count them.

    The sandbox appends to its request log just *after* it sends the answer, so a count read
    the instant a call returns can miss that call. One more request on the same keep-alive
    connection is served by the same handler thread, after the previous record is written.
    It is a query, so counts of reads, writes, CDC, batch and token calls stay as they were.
    """
    client.query("SELECT COUNT(*) FROM Term")
