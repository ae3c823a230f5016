"""``acctivate-qbo connect --status``: the connection as the token store holds it.

Read-only and offline: it never refreshes a token (a refresh rotates the refresh token, which
a status check must not do) and never calls QuickBooks. It warns while there is time to act:

- the refresh token lives 100 days and every refresh renews it; a sync refreshes whenever the
  hour-long access token has expired, so it only runs out when nothing synced for months;
- QuickBooks ends every authorization 5 years after the user granted it (the hard expiry);
  only ``acctivate-qbo connect`` starts a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from acctivate_qbo_plugin.config import Settings
from acctivate_qbo_plugin.qbo import TokenStore, TokenStoreError
from acctivate_qbo_plugin.services import token_store_path

__all__ = [
    "HARD_EXPIRY_WARNING",
    "REFRESH_LIFETIME",
    "REFRESH_WARNING",
    "ConnectionStatus",
    "connection_status",
]

REFRESH_LIFETIME = timedelta(days=100)
"""Intuit's rolling refresh-token lifetime, assumed when the token response did not say."""
REFRESH_WARNING = timedelta(days=14)
"""Warn when the refresh token runs out within this (about 86 days without a sync)."""
HARD_EXPIRY_WARNING = timedelta(days=60)
"""Warn when the 5-year authorization ends within this."""

State = Literal["connected", "warning", "not_connected", "expired"]


@dataclass(frozen=True)
class ConnectionStatus:
    state: State
    environment: str
    realm_id: str | None
    client_id: str | None
    token_store: Path
    access_expires_at: datetime | None = None
    refresh_issued_at: datetime | None = None
    refresh_expires_at: datetime | None = None
    refresh_expires_estimated: bool = False
    refresh_hard_expires_at: datetime | None = None
    problems: list[str] = field(default_factory=list)
    """Errors and warnings, each a sentence with what to do."""

    @property
    def ok(self) -> bool:
        return self.state in ("connected", "warning")

    def refresh_age(self, now: datetime) -> timedelta | None:
        return None if self.refresh_issued_at is None else now - self.refresh_issued_at

    def as_json(self, now: datetime) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        age = self.refresh_age(now)
        return {
            "state": self.state,
            "environment": self.environment,
            "realm_id": self.realm_id,
            "client_id": self.client_id,
            "token_store": str(self.token_store),
            "access_expires_at": iso(self.access_expires_at),
            "refresh_issued_at": iso(self.refresh_issued_at),
            "refresh_token_age_days": None
            if age is None
            else round(age.total_seconds() / 86400, 1),
            "refresh_expires_at": iso(self.refresh_expires_at),
            "refresh_expires_estimated": self.refresh_expires_estimated,
            "refresh_hard_expires_at": iso(self.refresh_hard_expires_at),
            "problems": self.problems,
        }


RECONNECT = "Run `acctivate-qbo connect` to connect again."


def connection_status(settings: Settings, now: datetime) -> ConnectionStatus:
    """What the token store says about the configured company, judged at ``now``."""
    qbo = settings.qbo
    path = token_store_path(settings)
    base = {"environment": qbo.environment, "realm_id": qbo.realm_id, "token_store": path}
    store = TokenStore(path)
    try:
        stored_client_id, _ = store.client_credentials()
        client_id = qbo.client_id or stored_client_id
        if not qbo.realm_id:
            where = settings.path or "the config file"
            return ConnectionStatus(
                "not_connected",
                client_id=client_id,
                problems=[
                    f"no company is connected ([qbo] realm_id is not set in {where}). Run "
                    "`acctivate-qbo connect` to connect a QuickBooks Online company."
                ],
                **base,
            )
        pair = store.load_pair(qbo.realm_id)
        dead = store.dead_refresh_fingerprint(qbo.realm_id)
    except TokenStoreError as exc:
        return ConnectionStatus(
            "not_connected", client_id=qbo.client_id, problems=[str(exc)], **base
        )
    if pair is None:
        return ConnectionStatus(
            "not_connected",
            client_id=client_id,
            problems=[
                f"the token store {path} has no tokens for company {qbo.realm_id}. " + RECONNECT
            ],
            **base,
        )
    refresh_expires = pair.refresh_expires_at
    estimated = refresh_expires is None
    if refresh_expires is None:
        refresh_expires = pair.refresh_issued_at + REFRESH_LIFETIME
    hard = pair.refresh_hard_expires_at
    problems: list[str] = []
    state: State = "connected"
    if dead is not None and dead == pair.refresh_fingerprint:
        state = "expired"
        problems.append(
            "QuickBooks refused the stored refresh token (invalid_grant): the connection was "
            "revoked or has expired. " + RECONNECT
        )
    elif hard is not None and now >= hard:
        state = "expired"
        problems.append(
            f"QuickBooks ended this authorization on {hard:%Y-%m-%d}, 5 years after it was "
            "granted. " + RECONNECT
        )
    elif now >= refresh_expires:
        state = "expired"
        problems.append(
            f"the refresh token ran out on {refresh_expires:%Y-%m-%d} (no sync renewed it for "
            "100 days). " + RECONNECT
        )
    else:
        if refresh_expires - now <= REFRESH_WARNING:
            state = "warning"
            problems.append(
                f"the refresh token runs out on {refresh_expires:%Y-%m-%d} (it is "
                f"{(now - pair.refresh_issued_at).days} days old; QuickBooks allows 100): any "
                "sync before then renews it, after it you must run `acctivate-qbo connect`."
            )
        if hard is not None and hard - now <= HARD_EXPIRY_WARNING:
            state = "warning"
            problems.append(
                f"QuickBooks ends this authorization on {hard:%Y-%m-%d}, 5 years after it was "
                "granted, and no refresh extends that: run `acctivate-qbo connect` before then "
                "to start a new one."
            )
    return ConnectionStatus(
        state,
        client_id=client_id,
        access_expires_at=pair.access_expires_at,
        refresh_issued_at=pair.refresh_issued_at,
        refresh_expires_at=refresh_expires,
        refresh_expires_estimated=estimated,
        refresh_hard_expires_at=hard,
        problems=problems,
        **base,
    )
