"""The token store is a 0600 JSON file, written atomically, refused when others can read it."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from acctivate_qbo_plugin.qbo import InsecureTokenStore, TokenPair, TokenStore, TokenStoreError

ISSUED = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
RESPONSE = {
    "access_token": "access-token-0123456789abcdef",
    "refresh_token": "refresh-token-0123456789abcdef",
    "token_type": "bearer",
    "expires_in": 3600,
    "x_refresh_token_expires_in": 8726400,
    "x_refresh_token_hard_expires_in": 157680000,
}


def pair() -> TokenPair:
    return TokenPair.from_token_response(RESPONSE, ISSUED)


def test_pair_reads_every_lifetime_and_hides_secrets() -> None:
    value = pair()
    assert value.access_expires_at == datetime(2024, 6, 1, 13, 0, tzinfo=UTC)
    assert value.refresh_issued_at == ISSUED
    assert (value.refresh_expires_at - ISSUED).days == 101
    assert (value.refresh_hard_expires_at - ISSUED).days == 1825
    assert "token-0123" not in repr(value)


def test_saved_file_is_0600_and_round_trips(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    store.save_pair("realm-1", pair())
    mode = stat.S_IMODE(os.stat(store.path).st_mode)
    assert mode == 0o600
    assert TokenStore(store.path).load_pair("realm-1") == pair()
    assert store.load_pair("other-realm") is None
    # Atomic write: no temp file is left beside the store.
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == [
        "tokens.json"
    ]


def test_group_or_world_readable_store_is_refused(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    store.save_pair("realm-1", pair())
    os.chmod(store.path, 0o644)
    with pytest.raises(InsecureTokenStore) as caught:
        store.load_pair("realm-1")
    message = str(caught.value)
    assert "0644" in message and f"chmod 600 {store.path}" in message
    assert "token-0123" not in message


def test_corrupt_store_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text('{"realms": {"realm-1": {"access_token": "x"')
    os.chmod(path, 0o600)
    with pytest.raises(TokenStoreError, match=r"cannot be read.*acctivate-qbo connect"):
        TokenStore(path).load_pair("realm-1")


def test_dead_grant_mark_is_cleared_by_a_new_pair(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    store.save_pair("realm-1", pair())
    store.mark_dead("realm-1", pair().refresh_fingerprint)
    assert store.dead_refresh_fingerprint("realm-1") == pair().refresh_fingerprint
    assert (
        "refresh-token-0123"
        not in (tmp_path / "tokens.json").read_text().split("dead_refresh_fingerprint")[1][:80]
    )
    store.save_pair("realm-1", pair())
    assert store.dead_refresh_fingerprint("realm-1") is None


def test_client_credentials_live_in_the_store(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    assert store.client_credentials() == (None, None)
    store.save_client_credentials("client-id", "client-secret-value-xyz")
    assert store.client_credentials() == ("client-id", "client-secret-value-xyz")
    assert json.loads(store.path.read_text())["client"]["client_id"] == "client-id"
