"""Typed QBO errors the sync sections act on, and the mapping from QBO codes to them.

The hierarchy, by what the caller does next::

    QboError
    ├── RecordError                 fix the record, the rest of the section goes on
    │   ├── StaleObject              5010: re-read, re-apply, retry
    │   ├── DuplicateName            6240
    │   ├── DuplicateDocNumber       6140
    │   ├── ClosedPeriod             6200, 6210
    │   ├── InvalidReference         610, 2500
    │   ├── JournalOutOfBalance      2300
    │   └── ValidationError          2000-4999 and the 6000 range otherwise
    │       └── InvalidQuery         4000-4002
    ├── AuthError                    3200, 100: refresh the access token
    │   └── ReconnectNeeded          invalid_grant, 120: the user must connect again
    ├── Throttled                    3001, HTTP 429 (or 403 with 3001)
    ├── TransientError               HTTP 500/502/503/504, 10000, 3100, connection errors, timeouts
    ├── MalformedResponse            a body we cannot read (HTML, truncated, wrong shape)
    ├── CdcWindowTooOld              refused client-side: CDC looks back 30 days at most
    └── UnexpectedFault              anything else QBO reports
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from acctivate_qbo_plugin.qbo.redaction import redact

__all__ = [
    "TRANSIENT_STATUSES",
    "AuthError",
    "CdcWindowTooOld",
    "ClosedPeriod",
    "DuplicateDocNumber",
    "DuplicateName",
    "FaultDetail",
    "InvalidQuery",
    "InvalidReference",
    "JournalOutOfBalance",
    "MalformedResponse",
    "QboError",
    "ReconnectNeeded",
    "RecordError",
    "StaleObject",
    "Throttled",
    "TransientError",
    "UnexpectedFault",
    "ValidationError",
    "error_from_faults",
]


@dataclass(frozen=True)
class FaultDetail:
    """One ``Error`` entry of a QBO ``Fault``."""

    code: str
    message: str
    detail: str
    element: str


class QboError(Exception):
    """Base of every error the QBO client raises.

    :ivar status: HTTP status, or None when no response arrived.
    :ivar code: QBO error code of the primary error (a string, as QBO sends it).
    :ivar errors: every error of the fault, in the order QBO sent them.
    :ivar time: the server's ``time`` of the failed response, when it had one.
    :ivar fix_hint: a sentence a bookkeeper can act on.
    """

    default_fix_hint = "Check the QuickBooks connection and try the sync again."

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        detail: str = "",
        element: str = "",
        intuit_tid: str | None = None,
        errors: tuple[FaultDetail, ...] = (),
        fault_type: str | None = None,
        time: datetime | None = None,
        fix_hint: str | None = None,
    ) -> None:
        self.message = redact(message)
        self.status = status
        self.code = code
        self.detail = redact(detail)
        self.element = element
        self.intuit_tid = intuit_tid
        self.errors = tuple(
            FaultDetail(e.code, redact(e.message), redact(e.detail), e.element) for e in errors
        )
        self.fault_type = fault_type
        self.time = time
        self.fix_hint = fix_hint or self.default_fix_hint
        super().__init__(self._summary())

    def _summary(self) -> str:
        parts = []
        if self.code:
            parts.append(f"QBO error {self.code}:")
        parts.append(self.message)
        if self.detail and self.detail != self.message:
            parts.append(f"- {self.detail}")
        if self.element:
            parts.append(f"(field {self.element})")
        context = []
        if self.status is not None:
            context.append(f"HTTP {self.status}")
        if self.intuit_tid:
            context.append(f"intuit_tid {self.intuit_tid}")
        if len(self.errors) > 1:
            context.append(f"{len(self.errors)} errors")
        if context:
            parts.append(f"[{', '.join(context)}]")
        return " ".join(parts)


class RecordError(QboError):
    """QBO refused this record; the record needs fixing, other records can go on."""

    default_fix_hint = "Correct the record named in the message, then sync again."


class StaleObject(RecordError):
    default_fix_hint = (
        "The record changed in QuickBooks while we were updating it; the next sync re-reads it "
        "and applies the change again."
    )


class DuplicateName(RecordError):
    default_fix_hint = (
        "Another customer, vendor or employee in QuickBooks already uses this name: "
        "rename one of them, then sync."
    )


class DuplicateDocNumber(RecordError):
    default_fix_hint = (
        "This document number is already used in QuickBooks: change the number on one of the "
        "two documents, then sync."
    )


class ClosedPeriod(RecordError):
    default_fix_hint = (
        "The transaction is dated in a period closed in QuickBooks: change its date to an open "
        "period, or ask the accountant to move the closing date, then sync."
    )


class InvalidReference(RecordError):
    default_fix_hint = (
        "The record refers to an account, customer, vendor, item or term that is missing or "
        "inactive in QuickBooks: reactivate it or pick another, then sync."
    )


class JournalOutOfBalance(RecordError):
    default_fix_hint = (
        "The journal's debits and credits differ: correct the amounts so they balance, then sync."
    )


class ValidationError(RecordError):
    default_fix_hint = (
        "QuickBooks rejected a field of this record: correct the field named in the message, "
        "then sync."
    )


class InvalidQuery(ValidationError):
    default_fix_hint = "The query sent to QuickBooks is invalid; report this to support."


class AuthError(QboError):
    """The access token was refused; a refresh may cure it."""

    default_fix_hint = "QuickBooks refused our sign-in; if it persists, reconnect to QuickBooks."


class ReconnectNeeded(AuthError):
    """The grant is dead (revoked, expired or rotated away); only a new connect cures it."""

    stops_sync = True  # every later call would fail the same way: a sync stops at once

    default_fix_hint = (
        "The connection to QuickBooks has expired or was revoked: run `acctivate-qbo connect` "
        "to reconnect, then sync."
    )


class Throttled(QboError):
    """QBO's rate limit was hit.

    :ivar retry_after: seconds the server asked us to wait, when it said.
    """

    default_fix_hint = "QuickBooks is busy; the sync continues by itself in a minute."

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class TransientError(QboError):
    """A server or network failure that is worth retrying later.

    :ivar outcome_unknown: True when a write may have been applied although no answer came.
    """

    default_fix_hint = "QuickBooks or the network failed for a moment; the next sync retries."

    def __init__(self, message: str, *, outcome_unknown: bool = False, **kwargs: object) -> None:
        self.outcome_unknown = outcome_unknown
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class MalformedResponse(QboError):
    """The response could not be read: HTML, truncated JSON, or JSON of the wrong shape."""

    default_fix_hint = (
        "QuickBooks sent an unreadable answer; the next sync retries. If it persists, report the "
        "intuit_tid to support."
    )


class CdcWindowTooOld(QboError):
    """``changed_since`` is beyond CDC's 30-day look-back; page with a query instead."""

    default_fix_hint = "The last sync is over a month old; this sync reads every record instead."


class UnexpectedFault(QboError):
    """A QBO fault that none of the other classes describes."""


TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
_BY_CODE: dict[str, type[QboError]] = {
    "5010": StaleObject,
    "6240": DuplicateName,
    "6140": DuplicateDocNumber,
    "6200": ClosedPeriod,
    "6210": ClosedPeriod,
    "610": InvalidReference,
    "2500": InvalidReference,
    "2300": JournalOutOfBalance,
    "3200": AuthError,
    "100": AuthError,
    "120": ReconnectNeeded,
    "3001": Throttled,
    "10000": TransientError,
    "3100": TransientError,
    "4000": InvalidQuery,
    "4001": InvalidQuery,
    "4002": InvalidQuery,
}
# When a fault holds several errors, the class that asks the caller to do the most wins:
# a throttle or an auth failure decides what happens to the whole request.
_PRIORITY: tuple[type[QboError], ...] = (
    ReconnectNeeded,
    AuthError,
    Throttled,
    TransientError,
    StaleObject,
    ClosedPeriod,
    DuplicateName,
    DuplicateDocNumber,
    JournalOutOfBalance,
    InvalidReference,
    InvalidQuery,
    ValidationError,
    UnexpectedFault,
)


def _class_for_code(code: str) -> type[QboError]:
    if code in _BY_CODE:
        return _BY_CODE[code]
    if code.isdigit():
        number = int(code)
        if 2000 <= number <= 4999 or 6000 <= number <= 6999:
            return ValidationError
    return UnexpectedFault


def error_from_faults(
    faults: tuple[FaultDetail, ...],
    *,
    status: int | None,
    fault_type: str | None = None,
    intuit_tid: str | None = None,
    time: datetime | None = None,
    retry_after: float | None = None,
) -> QboError:
    """Build the typed error for a QBO fault (one or more errors) and its HTTP status."""
    classes = [_class_for_code(fault.code) for fault in faults]
    if status == 429:
        classes.append(Throttled)
    elif status in TRANSIENT_STATUSES:
        classes.append(TransientError)
    elif status == 401 and not faults:
        classes.append(AuthError)
    chosen = next((cls for cls in _PRIORITY if cls in classes), UnexpectedFault)
    primary = next(
        (fault for fault, cls in zip(faults, classes, strict=False) if cls is chosen),
        faults[0] if faults else FaultDetail("", f"HTTP {status}", "", ""),
    )
    common: dict[str, object] = {
        "status": status,
        "code": primary.code or None,
        "detail": primary.detail,
        "element": primary.element,
        "intuit_tid": intuit_tid,
        "errors": faults,
        "fault_type": fault_type,
        "time": time,
    }
    if chosen is Throttled:
        return Throttled(primary.message or "Throttled", retry_after=retry_after, **common)
    return chosen(primary.message or f"HTTP {status}", **common)  # type: ignore[arg-type]
