"""Running a large batch fast without overstepping QBO's limits.

QBO allows 10 requests in flight per realm, 40 batch requests a minute and 500 requests a
minute in all (QBO.md). So a large batch is sent as several requests at once, and when the
minute's 40 batch requests are spent, the items are sent one request each instead of waiting
for the next minute, and what is left of them as a batch again as soon as the budget has room:
40 × 30 + (500 − 40) = 1,660 records a minute is the ceiling, and waiting would halve it.

A failure of one request is reported on each of its items (with whether QBO may have done
it anyway), so what the other requests did is never lost; only an error that stops the sync
(the connection must be renewed) is raised, once every request has finished.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from acctivate_qbo_plugin.qbo.batch import BatchItem, Chunk, chunk_items
from acctivate_qbo_plugin.qbo.errors import QboError
from acctivate_qbo_plugin.qbo.results import BatchItemResult, DeleteResult, EntityResult, QueryPage

if TYPE_CHECKING:
    from acctivate_qbo_plugin.qbo.client import QboClient

__all__ = ["run_batch"]

# A chunk being sent one by one switches back to a batch when the batch budget has room
# again, if at least this many items are left: a batch slot carries up to 30 records, so
# spending one on a few would waste more than the single requests it saves.
MIN_BATCH_REST = 15


def run_batch(
    client: QboClient, items: Sequence[BatchItem], *, concurrency: int
) -> list[BatchItemResult]:
    """Results in the order of ``items``; see the module docstring."""
    chunks = chunk_items(client.realm_id, list(items))
    if not chunks:
        return []
    if len(chunks) == 1 or concurrency <= 1:
        outcomes = [_run_chunk(client, chunk) for chunk in chunks]
    else:
        with ThreadPoolExecutor(
            max_workers=min(concurrency, len(chunks)), thread_name_prefix="qbo-batch"
        ) as pool:
            outcomes = list(pool.map(lambda chunk: _run_chunk(client, chunk), chunks))
    stopping = next((error for _, error in outcomes if error is not None), None)
    if stopping is not None:
        raise stopping
    return [result for results, _ in outcomes for result in results]


def _run_chunk(client: QboClient, chunk: Chunk) -> tuple[list[BatchItemResult], QboError | None]:
    try:
        if _spill(client, chunk):
            return _one_by_one(client, chunk), None
        return client.send_chunk(chunk), None
    except QboError as error:
        if getattr(error, "stops_sync", False):
            return [], error
        return [
            _failed(chunk, offset, item, error) for offset, item in enumerate(chunk.items)
        ], None


def _spill(client: QboClient, chunk: Chunk) -> bool:
    """Send this chunk's items one by one? Only when the minute's batch budget is spent and
    every write carries its own requestid (so each single request replays safely)."""
    writes = [item for item in chunk.items if item.is_write]
    if not writes or not all(item.request_id for item in writes):
        return False
    return client.rate_limiter.batch_wait() > 0


def _one_by_one(client: QboClient, chunk: Chunk) -> list[BatchItemResult]:
    results = []
    for offset, item in enumerate(chunk.items):
        if len(chunk.items) - offset >= MIN_BATCH_REST and client.rate_limiter.batch_wait() <= 0:
            # The minute's batch budget has room again: the rest goes as one batch.
            return results + _rest_as_batch(client, chunk, offset)
        try:
            results.append(_single(client, chunk, offset, item))
        except QboError as error:
            if getattr(error, "stops_sync", False):
                raise
            results.append(_failed(chunk, offset, item, error))
    return results


def _rest_as_batch(client: QboClient, chunk: Chunk, offset: int) -> list[BatchItemResult]:
    rest = replace(
        chunk_items(client.realm_id, chunk.items[offset:])[0], start=chunk.start + offset
    )
    try:
        return client.send_chunk(rest)
    except QboError as error:
        if getattr(error, "stops_sync", False):
            raise
        return [_failed(rest, index, item, error) for index, item in enumerate(rest.items)]


def _single(client: QboClient, chunk: Chunk, offset: int, item: BatchItem) -> BatchItemResult:
    index, bid = chunk.start + offset, str(offset)
    if item.operation == "query":
        page: QueryPage = client.query(item.query or "")
        return BatchItemResult(index, bid, page.entity_name, None, query_page=page, time=page.time)
    assert item.entity is not None and item.body is not None
    send: dict[str, Callable[[], EntityResult | DeleteResult]] = {
        "create": lambda: client.create(item.entity, item.body, request_id=item.request_id),
        "update": lambda: client.update(item.entity, item.body, request_id=item.request_id),
        "delete": lambda: client.delete(
            item.entity, item.body["Id"], item.body["SyncToken"], request_id=item.request_id
        ),
        "void": lambda: client.void(
            item.entity, item.body["Id"], item.body["SyncToken"], request_id=item.request_id
        ),
    }
    answer = send[item.operation]()
    if isinstance(answer, DeleteResult):
        return BatchItemResult(index, bid, item.entity, None, deleted=True, time=answer.time)
    return BatchItemResult(index, bid, item.entity, answer.entity, time=answer.time)


def _failed(chunk: Chunk, offset: int, item: BatchItem, error: QboError) -> BatchItemResult:
    return BatchItemResult(chunk.start + offset, str(offset), item.entity, None, error=error)
