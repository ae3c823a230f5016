"""QBO's time formats: the company offset (DST-aware), second-precision MetaData, ms `time`.

QBO stamps ``MetaData`` times to the second with the company's UTC offset and the response
``time`` to the millisecond; both change offset across daylight-saving boundaries, which is why
the offset is looked up per instant instead of being fixed at start.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo

UTC = dt.UTC

_FIXED_OFFSET = re.compile(r"^(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})$")
_QBO_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?)?)?"
    # A '+' in a URL query string arrives as a space when the client did not encode it.
    r"\s*(?P<offset>Z|[+\- ]\d{2}:?\d{2})?$"
)


def parse_timezone(setting: str) -> dt.tzinfo:
    """An IANA zone name ("America/Los_Angeles") or a fixed offset ("-07:00", "UTC")."""
    if not isinstance(setting, str) or not setting.strip():
        raise ValueError(
            f"company_timezone must be an IANA name like 'America/Los_Angeles' "
            f"or an offset like '-07:00', got {setting!r}"
        )
    text = setting.strip()
    if text.upper() in ("UTC", "Z"):
        return UTC
    match = _FIXED_OFFSET.match(text)
    if match:
        hours, minutes = int(match["hours"]), int(match["minutes"])
        if hours > 14 or minutes > 59:
            raise ValueError(f"company_timezone offset out of range: {setting!r}")
        delta = dt.timedelta(hours=hours, minutes=minutes)
        return dt.timezone(-delta if match["sign"] == "-" else delta)
    try:
        return zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"company_timezone {setting!r} is neither a known IANA zone name "
            f"(e.g. 'America/Los_Angeles') nor a fixed offset (e.g. '-07:00')"
        ) from exc


class CompanyCalendar:
    """Formats and parses instants the way the company's QBO realm shows them."""

    def __init__(self, tz: dt.tzinfo) -> None:
        self.tz = tz

    def metadata_stamp(self, instant: dt.datetime) -> str:
        """``2023-02-18T13:13:33-08:00``: second precision (truncated), company offset."""
        return instant.astimezone(self.tz).replace(microsecond=0).isoformat()

    def response_time(self, instant: dt.datetime) -> str:
        """``2020-09-29T08:02:53.512-07:00``: millisecond precision, company offset."""
        return instant.astimezone(self.tz).isoformat(timespec="milliseconds")

    def today(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(self.tz).date()

    def parse(self, text: str) -> dt.datetime | None:
        """An aware instant from a QBO date-time; no offset means the company's own zone."""
        return parse_instant(text, self.tz)


def parse_instant(text: object, default_tz: dt.tzinfo) -> dt.datetime | None:
    """Parse the date-time spellings QBO and its clients use; None when it is not one.

    Accepted: ``2011-08-10T10:20:30-0700``, ``…-07:00``, ``…Z``, ``2015-12-23T09:00-07:00``
    (no seconds), fractional seconds, no offset (the company zone) and a bare date (midnight).
    """
    if not isinstance(text, str):
        return None
    return _parse_cached(text.strip(), default_tz)


@functools.lru_cache(maxsize=65536)
def _parse_cached(text: str, default_tz: dt.tzinfo) -> dt.datetime | None:
    match = _QBO_DATETIME.match(text)
    if not match:
        return None
    try:
        day = dt.date.fromisoformat(match["date"])
        fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
        naive = dt.datetime(
            day.year,
            day.month,
            day.day,
            int(match["hour"] or 0),
            int(match["minute"] or 0),
            int(match["second"] or 0),
            int(fraction),
        )
    except ValueError:
        return None
    offset = match["offset"]
    if offset is None:
        return naive.replace(tzinfo=default_tz)
    if offset == "Z":
        return naive.replace(tzinfo=UTC)
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    delta = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if delta > dt.timedelta(hours=14):
        return None
    return naive.replace(tzinfo=dt.timezone(sign * delta))


def epoch_seconds(instant: dt.datetime) -> float:
    return instant.timestamp()
