"""Small tools every section uses: fingerprints, references, record problems, QBO values."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from acctivate_qbo_plugin.state.mapping import MappingStore

__all__ = [
    "MAX_DOC_NUMBER",
    "MAX_NAME",
    "MAX_NOTE",
    "MissingReference",
    "RecordProblem",
    "References",
    "as_decimal",
    "cents",
    "clean_text",
    "fingerprint",
    "flag",
    "money",
    "nested_text",
    "number",
    "parse_qbo_time",
    "qbo_date",
    "quantity",
    "ref",
    "ref_value",
    "text",
]


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def fingerprint(payload: Any) -> str:
    """A stable hash of what was sent or received: same content, same fingerprint."""
    text = json.dumps(payload, sort_keys=True, default=_default, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def money(value: Decimal | float | int | str) -> float:
    """QBO money: a JSON number rounded half-up to cents."""
    return float(Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def as_decimal(value: Any) -> Decimal | None:
    """A QBO number as Decimal (None for missing or wrong types, never an exception)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, str)):
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return None
    return None


def quantity(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def parse_qbo_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def ref(value: str, name: str | None = None) -> dict[str, str]:
    return {"value": value} if name is None else {"value": value, "name": name}


def ref_value(entity: Mapping[str, Any], key: str) -> str | None:
    value = entity.get(key)
    if isinstance(value, Mapping) and isinstance(value.get("value"), str):
        return value["value"]
    return None


class RecordProblem(Exception):
    """A host record that cannot be sent as it is; the message says what and how to fix it."""

    def __init__(self, message: str, *, code: str, fix_hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fix_hint = fix_hint


class MissingReference(RecordProblem):
    """A record refers to one that is not in QBO yet (or failed to go)."""

    def __init__(
        self, what: str, needed_by: str, *, kind: str | None = None, host_key: str | None = None
    ) -> None:
        super().__init__(
            f"{needed_by} waits for {what}, which is not in QuickBooks yet",
            code="missing_reference",
            fix_hint=f"Fix the error on {what} (see the sync log) or make sure it syncs; "
            f"{needed_by} goes through on the next sync after it.",
        )
        self.what = what
        self.kind = kind
        self.host_key = host_key


class References:
    """Host key <-> QBO Id for referenced kinds, loaded once per section run."""

    def __init__(
        self, mapping: MappingStore, describe: Callable[[str, str], str] | None = None
    ) -> None:
        self._mapping = mapping
        self._describe = describe or (lambda kind, key: f"{kind} {key}")
        self._forward: dict[str, dict[str, str]] = {}
        self._reverse: dict[str, dict[str, str]] = {}

    def _load(self, kind: str) -> dict[str, str]:
        if kind not in self._forward:
            self._forward[kind] = self._mapping.qbo_ids(kind)
            self._reverse[kind] = {v: k for k, v in self._forward[kind].items()}
        return self._forward[kind]

    def get(self, kind: str, host_key: str | None) -> str | None:
        return None if host_key is None else self._load(kind).get(host_key)

    def require(self, kind: str, host_key: str | None, needed_by: str, role: str = "") -> str:
        """The QBO Id of a referenced record; MissingReference naming it if it has none.

        :param role: what the reference is for, e.g. "income account", when the record does
            not name one at all.
        """
        qbo_id = self.get(kind, host_key)
        if qbo_id is None:
            if host_key is None:
                raise RecordProblem(
                    f"{needed_by} has no {role or kind}",
                    code="required",
                    fix_hint=f"Set the {role or kind} of {needed_by} in the host, then sync.",
                )
            what = self._describe(kind, host_key)
            raise MissingReference(what, needed_by, kind=kind, host_key=host_key)
        return qbo_id

    def host_key(self, kind: str, qbo_id: str | None) -> str | None:
        """The reverse: which host record a QBO Id is (None if not mapped)."""
        if qbo_id is None:
            return None
        self._load(kind)
        return self._reverse[kind].get(qbo_id)

    def learn(self, kind: str, host_key: str, qbo_id: str) -> None:
        """A record created during this run can be referred to at once."""
        self._load(kind)[host_key] = qbo_id
        self._reverse[kind][qbo_id] = host_key

    def forget(self, kind: str, host_key: str) -> None:
        qbo_id = self._load(kind).pop(host_key, None)
        if qbo_id is not None:
            self._reverse[kind].pop(qbo_id, None)


# -- reading QBO records defensively (a malformed record is one clear error, never a crash) --


def _malformed(entity: Mapping[str, Any], what: str) -> RecordProblem:
    name = entity.get("DisplayName") or entity.get("Name") or entity.get("DocNumber")
    where = f"{entity.get('Id', '?')}" + (f" ({name})" if isinstance(name, str) else "")
    return RecordProblem(
        f"QuickBooks sent record {where} with {what}; it was skipped",
        code="malformed",
        fix_hint="Open the record in QuickBooks and save it again; if it stays, report it with "
        "the sync log line.",
    )


def text(entity: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = entity.get(key)
    if value is None or value == "":
        if required:
            raise _malformed(entity, f"no {key}")
        return None
    if not isinstance(value, str):
        raise _malformed(entity, f"a {key} that is not text ({type(value).__name__})")
    return value


def nested_text(entity: Mapping[str, Any], key: str, inner: str) -> str | None:
    value = entity.get(key)
    if not isinstance(value, Mapping):
        return None
    found = value.get(inner)
    return found if isinstance(found, str) and found else None


def flag(entity: Mapping[str, Any], key: str, default: bool) -> bool:
    value = entity.get(key, default)
    if not isinstance(value, bool):
        raise _malformed(entity, f"a {key} that is not true/false ({value!r})")
    return value


def number(entity: Mapping[str, Any], key: str, *, required: bool = False) -> Decimal | None:
    value = entity.get(key)
    if value is None:
        if required:
            raise _malformed(entity, f"no {key}")
        return None
    parsed = as_decimal(value)
    if parsed is None:
        raise _malformed(entity, f"a {key} that is not a number ({value!r})")
    return parsed


def qbo_date(entity: Mapping[str, Any], key: str, *, required: bool = False) -> date | None:
    value = text(entity, key, required=required)
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise _malformed(entity, f"a {key} that is not a date ({value!r})") from None


# -- building QBO payloads (a host value QBO would refuse is one clear error) ------------------


def cents(value: Decimal, what: str, record: str) -> float:
    """Money for QBO; more than two decimals is refused rather than silently rounded."""
    if value != value.quantize(Decimal("0.01")):
        raise RecordProblem(
            f"{record} has {what} {value} with more than two decimals",
            code="bad_amount",
            fix_hint="Round the amount to cents in the host, then sync.",
        )
    return float(value)


MAX_NAME = 100
MAX_DOC_NUMBER = 21
MAX_NOTE = 4000


def clean_text(value: str | None, what: str, record: str, *, limit: int) -> str | None:
    """Text QBO accepts: no control characters, within QBO's length for the field."""
    if value is None:
        return None
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise RecordProblem(
            f"{record} has control characters in its {what}",
            code="bad_text",
            fix_hint=f"Remove the invisible characters from the {what} in the host, then sync.",
        )
    if len(value) > limit:
        raise RecordProblem(
            f"{record} has a {what} of {len(value)} characters; QuickBooks allows {limit}",
            code="too_long",
            fix_hint=f"Shorten the {what} to {limit} characters in the host, then sync.",
        )
    return value
