"""The sandbox server's settings: one frozen value, validated when built."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any

from acctivate_qbo_plugin.sandbox.timefmt import parse_timezone

DEFAULT_REALM_ID = "9341453050623570"
# Intuit answers x_refresh_token_expires_in: 8726400 (about 101 days) on every refresh.
DEFAULT_REFRESH_TOKEN_TTL = 8_726_400.0


@dataclass(frozen=True)
class SandboxSettings:
    """How one local QBO sandbox behaves. Every field has a QBO-like default.

    Limits set to ``None`` are disabled. ``time_scale`` > 1 compresses the limit windows
    (60 makes a "minute" last one second of the server clock) while keeping their ratios.
    """

    port: int = 0
    realm_id: str = DEFAULT_REALM_ID
    company_timezone: str = "America/Los_Angeles"
    access_token_ttl: float = 3600.0
    refresh_grace: float = 86400.0
    refresh_token_ttl: float = DEFAULT_REFRESH_TOKEN_TTL
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    requests_per_minute: int | None = 500
    requests_per_second: int | None = 10
    batch_per_minute: int | None = 40
    time_scale: float = 1.0
    throttle_status: int = 429
    throttle_retry_after: float | None = None
    persist_path: str | os.PathLike[str] | None = None
    seed: bool = True
    book_close_date: str | dt.date | None = None
    latency: float = 0.0
    require_auth: bool = True
    host: str = "127.0.0.1"

    def __post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise ValueError("invalid SandboxSettings: " + "; ".join(problems))

    def with_overrides(self, **overrides: Any) -> SandboxSettings:
        """A copy with some fields replaced; an unknown field name is a clear ValueError."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(
                f"unknown SandboxSettings field(s) {', '.join(unknown)}; "
                f"valid fields are: {', '.join(sorted(known))}"
            )
        return dataclasses.replace(self, **overrides)

    @property
    def closing_date(self) -> dt.date | None:
        """The configured BookCloseDate as a date (None = the server picks a default)."""
        if self.book_close_date is None or isinstance(self.book_close_date, dt.date):
            return self.book_close_date
        return dt.date.fromisoformat(self.book_close_date)


def _problems(settings: SandboxSettings) -> Any:
    if not isinstance(settings.port, int) or not 0 <= settings.port <= 65535:
        yield f"port must be an integer 0..65535 (0 = any free port), got {settings.port!r}"
    if not isinstance(settings.realm_id, str) or not settings.realm_id.strip():
        yield f"realm_id must be a non-empty string, got {settings.realm_id!r}"
    elif "/" in settings.realm_id or "?" in settings.realm_id:
        yield f"realm_id must not contain '/' or '?', got {settings.realm_id!r}"
    try:
        parse_timezone(settings.company_timezone)
    except ValueError as exc:
        yield str(exc)
    for name in ("access_token_ttl", "refresh_token_ttl", "time_scale"):
        value = getattr(settings, name)
        if not isinstance(value, int | float) or value <= 0:
            yield f"{name} must be a positive number of seconds, got {value!r}"
    for name in ("refresh_grace", "latency"):
        value = getattr(settings, name)
        if not isinstance(value, int | float) or value < 0:
            yield f"{name} must be zero or a positive number of seconds, got {value!r}"
    for name in ("requests_per_minute", "requests_per_second", "batch_per_minute"):
        value = getattr(settings, name)
        if value is not None and (not isinstance(value, int) or value < 1):
            yield f"{name} must be a positive integer or None (no limit), got {value!r}"
    if settings.throttle_status not in (429, 403):
        yield (
            "throttle_status must be 429 (current QBO) or 403 (older QBO), "
            f"got {settings.throttle_status!r}"
        )
    retry_after = settings.throttle_retry_after
    if retry_after is not None and (not isinstance(retry_after, int | float) or retry_after < 0):
        yield f"throttle_retry_after must be None or seconds >= 0, got {retry_after!r}"
    close = settings.book_close_date
    if isinstance(close, str):
        try:
            dt.date.fromisoformat(close)
        except ValueError:
            yield f"book_close_date must be YYYY-MM-DD, got {close!r}"
    elif close is not None and not isinstance(close, dt.date):
        yield f"book_close_date must be a date, a YYYY-MM-DD string or None, got {close!r}"
