"""OAuth 2 as Intuit runs it: codes, access tokens, rotating refresh tokens with a grace period.

Every refresh returns a NEW refresh token; the one it replaces keeps working for
``refresh_grace`` seconds (Intuit: 24 hours), then answers ``invalid_grant``. Tokens are kept
only as SHA-256 digests, so neither memory dumps, reprs nor the persistence file hold them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import threading
import urllib.parse
from dataclasses import asdict, dataclass
from typing import Any

from acctivate_qbo_plugin.sandbox.clock import SandboxClock
from acctivate_qbo_plugin.sandbox.settings import SandboxSettings

SCOPE = "com.intuit.quickbooks.accounting"
CODE_TTL = 600.0
HARD_EXPIRY = 157_680_000  # five years, Intuit's cap on a refresh token's chain
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class OAuthError(Exception):
    """An OAuth error response: ``{"error": ..., "error_description": ...}``."""

    def __init__(self, status: int, error: str, description: str) -> None:
        self.status = status
        self.error = error
        self.description = description
        super().__init__(f"{error}: {description}")

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


@dataclass
class _Access:
    realm: str
    expires_at: float
    expired: bool = False


@dataclass
class _Refresh:
    realm: str
    expires_at: float
    superseded_at: float | None = None
    revoked: bool = False


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    realm: str
    expires_at: float
    used: bool = False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_loopback_redirect(uri: str) -> bool:
    try:
        parts = urllib.parse.urlsplit(uri)
        port = parts.port
    except ValueError:
        return False
    return parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS and port is not None


class TokenAuthority:
    def __init__(self, settings: SandboxSettings, clock: SandboxClock) -> None:
        self._settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._access: dict[str, _Access] = {}
        self._refresh: dict[str, _Refresh] = {}
        self._codes: dict[str, _Code] = {}
        # Every token and code handed out, so a test suite can prove none of them leaked into
        # its output (the server keeps only hashes for its own checks).
        self.issued: list[str] = []

    def __repr__(self) -> str:
        counts = f"access_tokens={len(self._access)}, refresh_tokens={len(self._refresh)}"
        return f"TokenAuthority({counts})"

    # --- tokens ---------------------------------------------------------------------------

    def issue(self, realm: str, *, hard_expiry: bool = False) -> dict[str, Any]:
        """A new token pair, shaped like Intuit's token endpoint response."""
        now = self._clock.time()
        access = "eyJ" + secrets.token_urlsafe(96)
        refresh_expires = now + self._settings.refresh_token_ttl
        refresh = f"AB11{int(refresh_expires)}" + secrets.token_urlsafe(36)
        with self._lock:
            self.issued += [access, refresh]
            self._access[_digest(access)] = _Access(realm, now + self._settings.access_token_ttl)
            self._refresh[_digest(refresh)] = _Refresh(realm, refresh_expires)
        response: dict[str, Any] = {
            "x_refresh_token_expires_in": int(self._settings.refresh_token_ttl),
            "refresh_token": refresh,
            "access_token": access,
            "token_type": "bearer",
            "expires_in": int(self._settings.access_token_ttl),
        }
        if hard_expiry:
            response["x_refresh_token_hard_expires_in"] = HARD_EXPIRY
        return response

    def realm_of_access_token(self, authorization: str | None) -> str | None:
        """The realm a ``Bearer`` token was issued for, or None when it is unknown or expired."""
        if not authorization or not authorization.lower().startswith("bearer "):
            return None
        token = authorization[7:].strip()
        with self._lock:
            entry = self._access.get(_digest(token))
            if entry is None or entry.expired or self._clock.time() >= entry.expires_at:
                return None
            return entry.realm

    def expire_access_tokens(self) -> None:
        with self._lock:
            for entry in self._access.values():
                entry.expired = True

    def revoke_refresh_tokens(self) -> None:
        with self._lock:
            for entry in self._refresh.values():
                entry.revoked = True

    def revoke(self, token: str) -> None:
        """Intuit's revoke endpoint: the refresh token (and its chain's access) stop working."""
        digest = _digest(token)
        with self._lock:
            if digest in self._refresh:
                self._refresh[digest].revoked = True
            if digest in self._access:
                self._access[digest].expired = True

    # --- the authorization endpoint ---------------------------------------------------------

    def authorize(self, params: dict[str, str], realm: str) -> str:
        """Approve at once and return the redirect URL carrying ``code``, ``state``, ``realmId``."""
        redirect_uri = params.get("redirect_uri", "")
        if not redirect_uri:
            raise OAuthError(400, "invalid_request", "redirect_uri is required")
        if not is_loopback_redirect(redirect_uri):
            raise OAuthError(
                400,
                "invalid_request",
                "redirect_uri must be a loopback URL with a port, like http://127.0.0.1:8765/ "
                "or http://localhost:8765/callback",
            )
        client_id = params.get("client_id", "")
        if not client_id:
            raise OAuthError(400, "invalid_request", "client_id is required")
        expected = self._settings.client_id
        if expected is not None and client_id != expected:
            raise OAuthError(400, "invalid_client", "client_id is not the configured client")
        if params.get("response_type") != "code":
            raise OAuthError(400, "unsupported_response_type", "response_type must be 'code'")
        if SCOPE not in params.get("scope", "").split():
            raise OAuthError(400, "invalid_scope", f"scope must include {SCOPE}")
        code = "AB11" + secrets.token_urlsafe(32)
        with self._lock:
            self.issued.append(code)
            self._codes[_digest(code)] = _Code(
                client_id, redirect_uri, realm, self._clock.time() + CODE_TTL
            )
        answer = {"code": code}
        if "state" in params:
            answer["state"] = params["state"]
        answer["realmId"] = realm
        separator = "&" if urllib.parse.urlsplit(redirect_uri).query else "?"
        return redirect_uri + separator + urllib.parse.urlencode(answer)

    # --- the token endpoint ------------------------------------------------------------------

    def token_endpoint(
        self, form: dict[str, str], authorization: str | None, *, hard_expiry: bool = False
    ) -> dict[str, Any]:
        self._check_client(authorization)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._exchange_code(form, hard_expiry)
        if grant == "refresh_token":
            return self._refresh_grant(form, hard_expiry)
        raise OAuthError(
            400,
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
        )

    def _check_client(self, authorization: str | None) -> None:
        expected_id, expected_secret = self._settings.client_id, self._settings.client_secret
        if expected_id is None:
            return  # any client credentials are accepted
        client_id, secret = _basic_credentials(authorization)
        ok = client_id == expected_id and (
            expected_secret is None or hmac.compare_digest(secret or "", expected_secret)
        )
        if not ok:
            raise OAuthError(401, "invalid_client", "client authentication failed (HTTP Basic)")

    def _exchange_code(self, form: dict[str, str], hard_expiry: bool) -> dict[str, Any]:
        code = form.get("code", "")
        with self._lock:
            entry = self._codes.get(_digest(code))
            if entry is None or entry.used or self._clock.time() >= entry.expires_at:
                raise OAuthError(400, "invalid_grant", "the authorization code is invalid or used")
            if form.get("redirect_uri") != entry.redirect_uri:
                raise OAuthError(
                    400, "invalid_grant", "redirect_uri does not match the authorize request"
                )
            entry.used = True
            realm = entry.realm
        return self.issue(realm, hard_expiry=hard_expiry)

    def _refresh_grant(self, form: dict[str, str], hard_expiry: bool) -> dict[str, Any]:
        token = form.get("refresh_token", "")
        if not token:
            raise OAuthError(400, "invalid_request", "refresh_token is required")
        now = self._clock.time()
        with self._lock:
            entry = self._refresh.get(_digest(token))
            grace = self._settings.refresh_grace
            dead = (
                entry is None
                or entry.revoked
                or now >= entry.expires_at
                or (entry.superseded_at is not None and now >= entry.superseded_at + grace)
            )
            if dead or entry is None:
                raise OAuthError(400, "invalid_grant", "Incorrect or invalid refresh token")
            if entry.superseded_at is None:
                entry.superseded_at = now
            realm = entry.realm
        return self.issue(realm, hard_expiry=hard_expiry)

    # --- persistence -----------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "access": {k: asdict(v) for k, v in self._access.items()},
                "refresh": {k: asdict(v) for k, v in self._refresh.items()},
            }

    def restore(self, data: dict[str, Any]) -> None:
        with self._lock:
            self._access = {k: _Access(**v) for k, v in (data.get("access") or {}).items()}
            self._refresh = {k: _Refresh(**v) for k, v in (data.get("refresh") or {}).items()}


def _basic_credentials(authorization: str | None) -> tuple[str | None, str | None]:
    if not authorization or not authorization.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret
