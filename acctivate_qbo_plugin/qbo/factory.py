"""Build a ready client from a token store: what the runner and the CLI call."""

from __future__ import annotations

import os
from datetime import timedelta

from acctivate_qbo_plugin.qbo.auth import (
    INTUIT_TOKEN_URL,
    OAuthClient,
    resolve_client_credentials,
)
from acctivate_qbo_plugin.qbo.client import ClientSettings, QboClient
from acctivate_qbo_plugin.qbo.token_store import TokenStore
from acctivate_qbo_plugin.qbo.tokens import TokenManager
from acctivate_qbo_plugin.qbo.urls import PRODUCTION_BASE_URL

__all__ = ["open_client"]


def open_client(
    store_path: str | os.PathLike[str],
    realm_id: str,
    *,
    base_url: str = PRODUCTION_BASE_URL,
    token_url: str = INTUIT_TOKEN_URL,
    client_id: str | None = None,
    settings: ClientSettings | None = None,
    refresh_margin: timedelta = timedelta(minutes=5),
) -> QboClient:
    """A :class:`QboClient` for ``realm_id`` whose tokens live in the store at ``store_path``.

    The client secret is looked up only when a refresh is due: from the store, else from the
    ``ACCTIVATE_QBO_CLIENT_SECRET`` environment variable.
    """
    store = TokenStore(store_path)

    def build_oauth() -> OAuthClient:
        return OAuthClient(resolve_client_credentials(client_id, store), token_url=token_url)

    tokens = TokenManager(store, realm_id, build_oauth, refresh_margin=refresh_margin)
    return QboClient(base_url, realm_id, tokens, settings=settings)
