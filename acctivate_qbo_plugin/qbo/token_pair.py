"""The OAuth 2 token pair QBO issues, as an immutable value that never prints its secrets."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from acctivate_qbo_plugin.qbo.redaction import register_secret

__all__ = ["TokenPair", "fingerprint"]


def fingerprint(secret: str) -> str:
    """A short, non-reversible name for a secret, safe to store and log."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]


def _seconds(response: Mapping[str, Any], key: str, *, required: bool) -> float | None:
    value = response.get(key)
    if value is None:
        if required:
            raise ValueError(f"token response has no {key!r}")
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"token response {key!r} is not a number of seconds") from None
    if seconds < 0:
        raise ValueError(f"token response {key!r} is negative")
    return seconds


def _instant(value: object, key: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"token store field {key!r} is missing or not a date-time")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"token store field {key!r} has no time zone")
    return parsed


@dataclass(frozen=True)
class TokenPair:
    """An access token and the refresh token issued with it, with their expiry instants."""

    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_issued_at: datetime
    refresh_expires_at: datetime | None = None
    refresh_hard_expires_at: datetime | None = None

    def __post_init__(self) -> None:
        register_secret(self.access_token)
        register_secret(self.refresh_token)

    @property
    def refresh_fingerprint(self) -> str:
        return fingerprint(self.refresh_token)

    def access_expires_within(self, now: datetime, margin: timedelta) -> bool:
        return now + margin >= self.access_expires_at

    @classmethod
    def from_token_response(cls, response: Mapping[str, Any], issued_at: datetime) -> TokenPair:
        """Build from the token endpoint's JSON, reading lifetimes relative to ``issued_at``."""
        access = response.get("access_token")
        refresh = response.get("refresh_token")
        if not isinstance(access, str) or not access:
            raise ValueError("token response has no access_token")
        if not isinstance(refresh, str) or not refresh:
            raise ValueError("token response has no refresh_token")
        expires_in = _seconds(response, "expires_in", required=True)
        refresh_in = _seconds(response, "x_refresh_token_expires_in", required=False)
        hard_in = _seconds(response, "x_refresh_token_hard_expires_in", required=False)
        assert expires_in is not None
        return cls(
            access_token=access,
            refresh_token=refresh,
            access_expires_at=issued_at + timedelta(seconds=expires_in),
            refresh_issued_at=issued_at,
            refresh_expires_at=None
            if refresh_in is None
            else issued_at + timedelta(seconds=refresh_in),
            refresh_hard_expires_at=None
            if hard_in is None
            else issued_at + timedelta(seconds=hard_in),
        )

    def to_json(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "access_expires_at": iso(self.access_expires_at),
            "refresh_issued_at": iso(self.refresh_issued_at),
            "refresh_expires_at": iso(self.refresh_expires_at),
            "refresh_hard_expires_at": iso(self.refresh_hard_expires_at),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TokenPair:
        access = data.get("access_token")
        refresh = data.get("refresh_token")
        if not isinstance(access, str) or not isinstance(refresh, str):
            raise ValueError("token store entry lacks access_token or refresh_token")

        def optional(key: str) -> datetime | None:
            return None if data.get(key) is None else _instant(data.get(key), key)

        return cls(
            access_token=access,
            refresh_token=refresh,
            access_expires_at=_instant(data.get("access_expires_at"), "access_expires_at"),
            refresh_issued_at=_instant(data.get("refresh_issued_at"), "refresh_issued_at"),
            refresh_expires_at=optional("refresh_expires_at"),
            refresh_hard_expires_at=optional("refresh_hard_expires_at"),
        )
