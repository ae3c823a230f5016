"""Batch requests: any number of items, sent 30 at a time, answers matched by ``bId``.

QBO answers a batch with HTTP 200 even when items fail; each ``BatchItemResponse`` holds the
entity or its own ``Fault``. Items cannot see each other's results, and the response order is
not a contract, so every item gets a short ``bId`` (its position in the chunk) and results are
matched by it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from acctivate_qbo_plugin.qbo.errors import MalformedResponse
from acctivate_qbo_plugin.qbo.parsing import BatchItemReply
from acctivate_qbo_plugin.qbo.request_ids import batch_request_id
from acctivate_qbo_plugin.qbo.results import BatchItemResult

__all__ = ["MAX_BATCH_ITEMS", "BatchItem", "chunk_items", "match_results"]

MAX_BATCH_ITEMS = 30
_OPERATIONS = frozenset({"create", "update", "delete", "void", "query"})


def _require_id_and_token(entity_id: str, sync_token: str, what: str) -> dict[str, Any]:
    if not isinstance(entity_id, str) or not entity_id:
        raise ValueError(f"{what} needs the QBO Id as a non-empty string, got {entity_id!r}")
    if not isinstance(sync_token, str) or not sync_token:
        raise ValueError(f"{what} needs the SyncToken as a non-empty string, got {sync_token!r}")
    return {"Id": entity_id, "SyncToken": sync_token}


@dataclass(frozen=True)
class BatchItem:
    """One operation of a batch. Build with the class methods, not the constructor."""

    operation: str
    entity: str | None
    body: dict[str, Any] | None = field(default=None, repr=False)
    query: str | None = None
    request_id: str | None = None

    def __post_init__(self) -> None:
        if self.operation not in _OPERATIONS:
            raise ValueError(f"unknown batch operation {self.operation!r}")

    @property
    def is_write(self) -> bool:
        return self.operation != "query"

    @classmethod
    def create(cls, entity: str, body: dict[str, Any], *, request_id: str | None) -> BatchItem:
        return cls("create", entity, dict(body), request_id=request_id)

    @classmethod
    def update(cls, entity: str, body: dict[str, Any], *, request_id: str | None) -> BatchItem:
        """A full update: ``body`` holds Id, SyncToken and every writable field."""
        _require_id_and_token(body.get("Id", ""), body.get("SyncToken", ""), f"{entity} update")
        return cls("update", entity, dict(body), request_id=request_id)

    @classmethod
    def sparse_update(
        cls,
        entity: str,
        entity_id: str,
        sync_token: str,
        fields: dict[str, Any],
        *,
        request_id: str | None,
    ) -> BatchItem:
        body = {**fields, **_require_id_and_token(entity_id, sync_token, f"{entity} update")}
        body["sparse"] = True
        return cls("update", entity, body, request_id=request_id)

    @classmethod
    def delete(
        cls, entity: str, entity_id: str, sync_token: str, *, request_id: str | None
    ) -> BatchItem:
        body = _require_id_and_token(entity_id, sync_token, f"{entity} delete")
        return cls("delete", entity, body, request_id=request_id)

    @classmethod
    def void(
        cls, entity: str, entity_id: str, sync_token: str, *, request_id: str | None
    ) -> BatchItem:
        body = _require_id_and_token(entity_id, sync_token, f"{entity} void")
        return cls("void", entity, body, request_id=request_id)

    @classmethod
    def select(cls, statement: str) -> BatchItem:
        return cls("query", None, query=str(statement))

    def to_request(self, bid: str) -> dict[str, Any]:
        if self.operation == "query":
            return {"bId": bid, "Query": self.query}
        assert self.entity is not None and self.body is not None
        item: dict[str, Any] = {"bId": bid, self.entity: self.body}
        if self.operation == "void":
            # QBO voids inside a batch as an update with optionsData "void".
            item["operation"] = "update"
            item["optionsData"] = "void"
        else:
            item["operation"] = self.operation
        return item


@dataclass(frozen=True)
class Chunk:
    """Up to 30 items sent as one request, with the request's requestid (or None)."""

    start: int
    items: tuple[BatchItem, ...]
    request_id: str | None

    @property
    def has_writes(self) -> bool:
        return any(item.is_write for item in self.items)

    def body(self) -> dict[str, Any]:
        return {"BatchItemRequest": [item.to_request(str(i)) for i, item in enumerate(self.items)]}


def chunk_items(
    realm_id: str, items: Sequence[BatchItem], size: int = MAX_BATCH_ITEMS
) -> list[Chunk]:
    """Split into requests of at most ``size`` items.

    A chunk gets a requestid only when every write in it has one: then a resend replays.
    """
    if not 1 <= size <= MAX_BATCH_ITEMS:
        raise ValueError(f"batch size must be 1..{MAX_BATCH_ITEMS}, got {size}")
    chunks = []
    for start in range(0, len(items), size):
        part = tuple(items[start : start + size])
        writes = [item for item in part if item.is_write]
        request_id = None
        if writes and all(item.request_id for item in writes):
            keys = [item.request_id or f"q:{item.query}" for item in part]
            request_id = batch_request_id(realm_id, keys)
        chunks.append(Chunk(start, part, request_id))
    return chunks


def match_results(
    chunk: Chunk, replies: dict[str, BatchItemReply], time: datetime | None = None
) -> list[BatchItemResult]:
    """Pair each item of ``chunk`` with its reply by ``bId``; a missing reply is an error.

    ``time`` is the batch response's server time, copied onto every item.
    """
    results = []
    for offset, item in enumerate(chunk.items):
        bid = str(offset)
        reply = replies.get(bid)
        index = chunk.start + offset
        if reply is None:
            error = MalformedResponse(
                f"QBO's batch answer has no item with bId {bid} ({item.operation} "
                f"{item.entity or 'query'}); its outcome is unknown"
            )
            results.append(BatchItemResult(index, bid, item.entity, None, error, time=time))
            continue
        results.append(
            BatchItemResult(
                index=index,
                bid=bid,
                entity_name=reply.entity_name or item.entity,
                entity=reply.entity,
                error=reply.error,
                query_page=reply.query_page,
                deleted=reply.deleted,
                time=time,
            )
        )
    return results
