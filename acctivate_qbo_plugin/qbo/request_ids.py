"""Deterministic ``requestid`` values: the same logical write always carries the same id.

QBO answers a repeated ``requestid`` with the original response instead of writing twice, so a
retry after a lost acknowledgement, or a whole re-run after a crash, replays instead of
duplicating. The id is a UUID (36 characters, within QBO's 50 for a single write and 36 for a
batch) derived with UUIDv5 from the realm, section, host record key, operation and, for writes
that change the same record again later, a payload version.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

__all__ = ["MAX_BATCH_ID_LENGTH", "MAX_REQUEST_ID_LENGTH", "batch_request_id", "request_id"]

MAX_REQUEST_ID_LENGTH = 50
MAX_BATCH_ID_LENGTH = 36
# A fixed namespace: changing it would change every id and defeat replays across upgrades.
_NAMESPACE = uuid.UUID("6f1d4f0e-4d1b-5a57-9a3e-acc71a7e0b0f")
_SEPARATOR = "\x1f"


def _part(name: str, value: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise TypeError(f"request_id {name} must be a string, got {type(value).__name__}")
    if not value and not allow_empty:
        raise ValueError(f"request_id needs a non-empty {name}")
    if _SEPARATOR in value:
        raise ValueError(f"request_id {name} {value!r} contains the reserved character U+001F")
    return value


def request_id(realm: str, section: str, record_key: str, operation: str, version: str = "") -> str:
    """The requestid for one logical write.

    :param realm: the QBO company (realm id); ids are unique per realm.
    :param section: the sync section doing the write, e.g. ``"invoices"``.
    :param record_key: the host record's stable key, e.g. the invoice number.
    :param operation: ``"create"``, ``"update"``, ``"delete"``, ``"void"``...
    :param version: what makes a later write of the same record different (e.g. the host
        row's version or a payload hash); leave empty for writes that happen once.
    """
    parts = (
        _part("realm", realm),
        _part("section", section),
        _part("record_key", record_key),
        _part("operation", operation),
        _part("version", version, allow_empty=True),
    )
    return str(uuid.uuid5(_NAMESPACE, _SEPARATOR.join(parts)))


def batch_request_id(realm: str, item_request_ids: Iterable[str]) -> str:
    """The requestid of one batch request, derived from the ids of the writes it carries.

    The same items in the same order give the same id, so a retried chunk replays.
    """
    ids = [_part("item request id", item) for item in item_request_ids]
    if not ids:
        raise ValueError("batch_request_id needs at least one item request id")
    return str(uuid.uuid5(_NAMESPACE, _SEPARATOR.join(["batch", _part("realm", realm), *ids])))
