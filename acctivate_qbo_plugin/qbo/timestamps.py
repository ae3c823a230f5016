"""QBO time values: the response ``time``, entity ``MetaData`` times, and how we send times back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

__all__ = [
    "ONE_SECOND",
    "format_qbo_datetime",
    "parse_entity_time",
    "parse_server_time",
    "require_aware",
]

# MetaData times have second precision: the smallest step between two distinct versions.
ONE_SECOND = timedelta(seconds=1)


def parse_server_time(value: object) -> datetime | None:
    """Parse a response's top-level ``time`` into an aware datetime, or None when absent.

    QBO sends ISO 8601 with milliseconds and the company's offset
    (``2020-09-29T08:02:53.512-07:00``); 401 bodies send epoch milliseconds instead.
    Raises ValueError for anything else, which the parser reports as a malformed response.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"time is a boolean ({value!r}), expected a date-time or epoch ms")
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000.0, tz=UTC)
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError(f"time {value!r} has no UTC offset")
        return parsed
    raise ValueError(f"time is a {type(value).__name__}, expected a date-time or epoch ms")


def parse_entity_time(value: object) -> datetime:
    """Parse ``MetaData.LastUpdatedTime``/``CreateTime``: second precision with an offset.

    A bare date (seen in Intuit's InventoryAdjustment sample) is read as midnight UTC so that
    it still orders; a value without an offset is refused because it would order wrongly.
    """
    if not isinstance(value, str):
        raise ValueError(f"expected a date-time string, got {type(value).__name__}")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        if len(value) == 10:
            return parsed.replace(tzinfo=UTC)
        raise ValueError(f"date-time {value!r} has no UTC offset")
    return parsed


def require_aware(value: datetime, name: str) -> datetime:
    """Return ``value`` if it carries a UTC offset; raise a ValueError that says how to fix it."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name}={value.isoformat()} has no time zone; pass an aware datetime, e.g. "
            f"datetime.now(UTC) or a value parsed from a QBO response"
        )
    return value


def format_qbo_datetime(value: datetime | date) -> str:
    """Format for a query literal or ``changedSince``: seconds, always with an explicit offset."""
    if isinstance(value, datetime):
        require_aware(value, "datetime value")
        return value.isoformat(timespec="seconds")
    return value.isoformat()
