"""OAuth 2 against Intuit's token endpoint: refresh, authorization-code exchange, authorize URL.

Token endpoint calls are form-encoded POSTs with HTTP Basic client authentication. A dead grant
answers HTTP 400 ``{"error": "invalid_grant"}``: that is terminal (:class:`ReconnectNeeded`),
never retried. Everything secret that passes through here is registered for redaction.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

import requests

from acctivate_qbo_plugin.qbo.errors import AuthError, ReconnectNeeded, TransientError
from acctivate_qbo_plugin.qbo.faults import HttpReply
from acctivate_qbo_plugin.qbo.redaction import get_logger, redact, register_secret
from acctivate_qbo_plugin.qbo.token_pair import TokenPair
from acctivate_qbo_plugin.qbo.token_store import TokenStore
from acctivate_qbo_plugin.qbo.urls import require_safe_url

__all__ = [
    "CLIENT_SECRET_ENV",
    "INTUIT_AUTHORIZE_URL",
    "INTUIT_TOKEN_URL",
    "QBO_SCOPE",
    "ClientCredentials",
    "OAuthClient",
    "authorization_url",
    "exchange_authorization_code",
    "new_state",
    "resolve_client_credentials",
]

INTUIT_TOKEN_URL = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
INTUIT_AUTHORIZE_URL = "https://appcenter.intuit.com/connect/oauth2"
QBO_SCOPE = "com.intuit.quickbooks.accounting"
CLIENT_SECRET_ENV = "ACCTIVATE_QBO_CLIENT_SECRET"

_log = get_logger("acctivate_qbo_plugin.qbo.auth")


@dataclass(frozen=True)
class ClientCredentials:
    """The app's OAuth client id and secret; the secret never prints."""

    client_id: str
    client_secret: str = field(repr=False)

    def __post_init__(self) -> None:
        register_secret(self.client_secret)


def resolve_client_credentials(
    client_id: str | None, store: TokenStore, environ: dict[str, str] | None = None
) -> ClientCredentials:
    """Find the client secret: the token store first, else ``ACCTIVATE_QBO_CLIENT_SECRET``.

    The client id may come from the config (it is not secret) or from the store.
    """
    environ = dict(os.environ) if environ is None else environ
    stored_id, stored_secret = store.client_credentials()
    chosen_id = client_id or stored_id
    secret = stored_secret or environ.get(CLIENT_SECRET_ENV)
    if not chosen_id:
        raise AuthError(
            "no OAuth client id: set it in the config file or run `acctivate-qbo connect`",
            fix_hint="Run `acctivate-qbo connect` to connect to QuickBooks.",
        )
    if not secret:
        raise AuthError(
            f"no OAuth client secret: it is neither in the token store {store.path} nor in "
            f"the environment variable {CLIENT_SECRET_ENV}",
            fix_hint=f"Run `acctivate-qbo connect`, or set {CLIENT_SECRET_ENV}.",
        )
    return ClientCredentials(chosen_id, secret)


class OAuthClient:
    """Calls the token endpoint. One instance per app; safe to share between threads."""

    def __init__(
        self,
        credentials: ClientCredentials,
        *,
        token_url: str = INTUIT_TOKEN_URL,
        timeout: tuple[float, float] = (10.0, 30.0),
        session: requests.Session | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.token_url = require_safe_url(token_url, "token_url")
        self.credentials = credentials
        self.timeout = timeout
        self._session = session or requests.Session()
        self._session.verify = True
        self._now = now

    def __repr__(self) -> str:
        return (
            f"OAuthClient(token_url={self.token_url!r}, client_id={self.credentials.client_id!r})"
        )

    def refresh(self, refresh_token: str) -> TokenPair:
        """Exchange ``refresh_token`` for a new pair; the old refresh token then starts dying."""
        register_secret(refresh_token)
        return self._token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def exchange_code(self, code: str, redirect_uri: str) -> TokenPair:
        """Exchange an authorization code (from the redirect) for the first pair."""
        register_secret(code)
        return self._token_request(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        )

    def _token_request(self, form: dict[str, str]) -> TokenPair:
        issued_at = self._now()
        try:
            response = self._session.post(
                self.token_url,
                data=form,
                auth=(self.credentials.client_id, self.credentials.client_secret),
                headers={
                    "Accept": "application/json",
                    # Ask for the 5-year hard expiry so we can warn before it comes.
                    "x-include-refresh-token-hard-expires-in": "true",
                },
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise TransientError(
                f"token endpoint unreachable ({type(exc).__name__}): {redact(str(exc))}",
                outcome_unknown=True,
            ) from None
        reply = HttpReply(response.status_code, dict(response.headers), response.content)
        _log.debug(
            "POST token endpoint (%s) -> %s in %.1f ms",
            form["grant_type"],
            response.status_code,
            response.elapsed.total_seconds() * 1000,
        )
        payload: object
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if response.status_code == 200 and isinstance(payload, dict):
            try:
                return TokenPair.from_token_response(payload, issued_at)
            except ValueError as exc:
                raise AuthError(
                    f"token endpoint answered without a usable token pair: {exc}",
                    status=200,
                    intuit_tid=reply.intuit_tid,
                ) from None
        error = payload.get("error") if isinstance(payload, dict) else None
        if error == "invalid_grant":
            raise ReconnectNeeded(
                "QuickBooks refused the refresh token or authorization code (invalid_grant)",
                status=response.status_code,
                code="invalid_grant",
                intuit_tid=reply.intuit_tid,
            )
        if response.status_code in (500, 502, 503, 504, 429):
            raise TransientError(
                f"token endpoint failed with HTTP {response.status_code}",
                status=response.status_code,
                intuit_tid=reply.intuit_tid,
            )
        hint = None
        if error == "invalid_client":
            hint = "The app's client id or secret is wrong: run `acctivate-qbo connect` again."
        raise AuthError(
            f"token endpoint refused the request: HTTP {response.status_code} "
            f"{error or reply.excerpt()}",
            status=response.status_code,
            code=error if isinstance(error, str) else None,
            intuit_tid=reply.intuit_tid,
            fix_hint=hint,
        )


def new_state() -> str:
    """A random ``state`` value that ties the redirect back to our authorize request."""
    return secrets.token_urlsafe(24)


def authorization_url(
    client_id: str,
    redirect_uri: str,
    state: str,
    *,
    authorize_url: str = INTUIT_AUTHORIZE_URL,
    scope: str = QBO_SCOPE,
) -> str:
    """The URL to open in a browser to let the user approve access to a company."""
    require_safe_url(authorize_url, "authorize_url")
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": scope,
            "state": state,
        }
    )
    return f"{authorize_url}?{query}"


def exchange_authorization_code(
    oauth: OAuthClient, store: TokenStore, realm_id: str, code: str, redirect_uri: str
) -> TokenPair:
    """Exchange the code from the redirect and persist the first pair for ``realm_id``."""
    pair = oauth.exchange_code(code, redirect_uri)
    with store.lock():
        store.save_pair(realm_id, pair)
    return pair
