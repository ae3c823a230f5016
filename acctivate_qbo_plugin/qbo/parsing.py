"""Turn successful QBO replies into result envelopes, checking the shape as we go.

Each parser takes an :class:`HttpReply` and returns a frozen envelope from
:mod:`acctivate_qbo_plugin.qbo.results`, or raises a typed error: a fault becomes its
:class:`QboError` subclass, a wrong shape becomes :class:`MalformedResponse`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from acctivate_qbo_plugin.qbo.errors import QboError
from acctivate_qbo_plugin.qbo.faults import HttpReply, check_reply, fault_from_json, malformed
from acctivate_qbo_plugin.qbo.results import (
    CountResult,
    DeletedStub,
    DeleteResult,
    Entity,
    EntityResult,
    QueryPage,
)
from acctivate_qbo_plugin.qbo.timestamps import parse_entity_time

__all__ = [
    "BatchItemReply",
    "CdcReply",
    "check_entity",
    "parse_batch",
    "parse_cdc",
    "parse_count",
    "parse_delete",
    "parse_entity",
    "parse_query_page",
    "parse_query_response",
]

_PAGE_KEYS = frozenset({"startPosition", "maxResults", "totalCount"})


def check_entity(record: object, where: str, reply: HttpReply) -> Entity:
    """Check the keys the client relies on: Id and SyncToken are strings, MetaData readable."""
    if not isinstance(record, dict):
        raise malformed(reply, f"{where} is a {type(record).__name__}, expected an object")
    if "Id" in record and not isinstance(record["Id"], str):
        raise malformed(reply, f"{where}.Id is a {type(record['Id']).__name__}, expected a string")
    token = record.get("SyncToken")
    if token is not None and not isinstance(token, str):
        raise malformed(reply, f"{where}.SyncToken is a {type(token).__name__}, expected a string")
    metadata = record.get("MetaData")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise malformed(reply, f"{where}.MetaData is not an object")
        for key in ("CreateTime", "LastUpdatedTime"):
            if key in metadata:
                try:
                    parse_entity_time(metadata[key])
                except ValueError as exc:
                    raise malformed(reply, f"{where}.MetaData.{key}: {exc}") from None
    return record


def _entity_key(body: Mapping[str, Any], entity_name: str, reply: HttpReply) -> Any:
    if entity_name in body:
        return body[entity_name]
    # Entity names are case-sensitive in QBO, but tolerate a different case rather than fail.
    for key, value in body.items():
        if key.lower() == entity_name.lower():
            return value
    present = ", ".join(sorted(body)) or "nothing"
    raise malformed(reply, f"expected a {entity_name!r} object, found keys: {present}")


def parse_entity(reply: HttpReply, entity_name: str) -> EntityResult:
    """Read/create/update/void/preferences: ``{"<Entity>": {...}, "time": ...}``."""
    body, time = check_reply(reply)
    record = check_entity(_entity_key(body, entity_name, reply), entity_name, reply)
    if "Id" not in record and entity_name not in ("Preferences",):
        raise malformed(reply, f"{entity_name} has no Id")
    return EntityResult(entity_name, record, time, reply.intuit_tid)


def parse_delete(reply: HttpReply, entity_name: str) -> DeleteResult:
    """``{"Invoice": {"domain": "QBO", "status": "Deleted", "Id": "266"}, "time": ...}``."""
    body, time = check_reply(reply)
    record = check_entity(_entity_key(body, entity_name, reply), entity_name, reply)
    entity_id = record.get("Id")
    if not isinstance(entity_id, str):
        raise malformed(reply, f"{entity_name} delete answer has no Id")
    status = record.get("status")
    return DeleteResult(
        entity_name,
        entity_id,
        status if isinstance(status, str) else "Deleted",
        time,
        reply.intuit_tid,
    )


def _optional_int(container: Mapping[str, Any], key: str, reply: HttpReply) -> int | None:
    value = container.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise malformed(reply, f"QueryResponse.{key} is a {type(value).__name__}, expected int")
    return value


def _rows_of(
    response: Mapping[str, Any], entity_name: str | None, reply: HttpReply, where: str
) -> tuple[str | None, tuple[Entity, ...]]:
    lists = {key: value for key, value in response.items() if key not in _PAGE_KEYS}
    lists.pop("Fault", None)
    if entity_name is not None and entity_name not in lists:
        lists = {k: v for k, v in lists.items() if k.lower() == entity_name.lower()} or lists
    if not lists:
        return entity_name, ()
    if len(lists) > 1:
        found = ", ".join(sorted(lists))
        raise malformed(reply, f"{where} holds several entity lists ({found}), expected one")
    name, rows = next(iter(lists.items()))
    if not isinstance(rows, list):
        raise malformed(reply, f"{where}.{name} is a {type(rows).__name__}, expected a list")
    return name, tuple(
        check_entity(row, f"{where}.{name}[{index}]", reply) for index, row in enumerate(rows)
    )


def parse_query_response(
    response: object,
    reply: HttpReply,
    *,
    entity_name: str | None,
    time: datetime | None,
    where: str = "QueryResponse",
) -> QueryPage:
    """The ``QueryResponse`` object of a query (top level or inside a batch item)."""
    if not isinstance(response, dict):
        raise malformed(reply, f"{where} is a {type(response).__name__}, expected an object")
    if response.get("Fault") is not None:
        raise fault_from_json(response["Fault"], reply, time=time)
    name, rows = _rows_of(response, entity_name, reply, where)
    return QueryPage(
        entity_name=name,
        rows=rows,
        start_position=_optional_int(response, "startPosition", reply),
        max_results=_optional_int(response, "maxResults", reply),
        total_count=_optional_int(response, "totalCount", reply),
        time=time,
        intuit_tid=reply.intuit_tid,
    )


def parse_query_page(reply: HttpReply, entity_name: str | None = None) -> QueryPage:
    """``{"QueryResponse": {"Customer": [...], "startPosition": 1, "maxResults": n}, ...}``.

    An empty result is ``{"QueryResponse": {}}``: a page with no rows.
    """
    body, time = check_reply(reply)
    if "QueryResponse" not in body:
        raise malformed(reply, "no QueryResponse in a query answer")
    return parse_query_response(body["QueryResponse"], reply, entity_name=entity_name, time=time)


def parse_count(reply: HttpReply) -> CountResult:
    """``{"QueryResponse": {"totalCount": 41}, "time": ...}``."""
    page = parse_query_page(reply)
    if page.total_count is None:
        raise malformed(reply, "COUNT answer has no QueryResponse.totalCount")
    return CountResult(page.total_count, page.time, reply.intuit_tid)


@dataclass(frozen=True)
class CdcReply:
    """One CDC HTTP answer, split into live records and deleted stubs by entity name."""

    changed: dict[str, tuple[Entity, ...]]
    deleted: dict[str, tuple[DeletedStub, ...]]
    time: datetime | None
    object_count: int


def _is_deleted_stub(record: Entity) -> bool:
    return str(record.get("status", "")).lower() == "deleted"


def parse_cdc(reply: HttpReply, entities: Iterable[str]) -> CdcReply:
    """``{"CDCResponse": [{"QueryResponse": [{"Customer": [...]}, {}]}], "time": ...}``.

    Entity lists are found by name, never by position; ``{}`` means "no change".
    """
    body, time = check_reply(reply)
    responses = body.get("CDCResponse")
    if not isinstance(responses, list):
        raise malformed(reply, "CDCResponse missing or not a list")
    wanted = {name.lower(): name for name in entities}
    changed: dict[str, list[Entity]] = {name: [] for name in wanted.values()}
    deleted: dict[str, list[DeletedStub]] = {name: [] for name in wanted.values()}
    count = 0
    for outer_index, outer in enumerate(responses):
        if not isinstance(outer, dict):
            raise malformed(reply, f"CDCResponse[{outer_index}] is not an object")
        if outer.get("Fault") is not None:
            raise fault_from_json(outer["Fault"], reply, time=time)
        inner = outer.get("QueryResponse", [])
        if isinstance(inner, dict):
            inner = [inner]
        if not isinstance(inner, list):
            raise malformed(reply, f"CDCResponse[{outer_index}].QueryResponse is not a list")
        for index, response in enumerate(inner):
            where = f"CDCResponse[{outer_index}].QueryResponse[{index}]"
            page = parse_query_response(response, reply, entity_name=None, time=time, where=where)
            if not page.rows or page.entity_name is None:
                continue
            name = wanted.get(page.entity_name.lower(), page.entity_name)
            for row in page.rows:
                count += 1
                if _is_deleted_stub(row):
                    deleted.setdefault(name, []).append(_stub(name, row, reply))
                else:
                    changed.setdefault(name, []).append(row)
    return CdcReply(
        changed={name: tuple(rows) for name, rows in changed.items()},
        deleted={name: tuple(stubs) for name, stubs in deleted.items()},
        time=time,
        object_count=count,
    )


def _stub(entity_name: str, record: Entity, reply: HttpReply) -> DeletedStub:
    entity_id = record.get("Id")
    if not isinstance(entity_id, str):
        raise malformed(reply, f"deleted {entity_name} stub has no Id")
    metadata = record.get("MetaData") or {}
    when = metadata.get("LastUpdatedTime") if isinstance(metadata, dict) else None
    return DeletedStub(entity_name, entity_id, parse_entity_time(when) if when else None)


@dataclass(frozen=True)
class BatchItemReply:
    """One ``BatchItemResponse`` entry, interpreted."""

    bid: str
    entity_name: str | None
    entity: Entity | None
    error: QboError | None
    query_page: QueryPage | None
    deleted: bool


def _batch_item(raw: object, index: int, reply: HttpReply, time: datetime | None) -> BatchItemReply:
    where = f"BatchItemResponse[{index}]"
    if not isinstance(raw, dict):
        raise malformed(reply, f"{where} is not an object")
    bid = raw.get("bId")
    if not isinstance(bid, str):
        raise malformed(reply, f"{where} has no bId")
    if raw.get("Fault") is not None:
        error = fault_from_json(raw["Fault"], reply, time=time)
        return BatchItemReply(bid, None, None, error, None, False)
    if "QueryResponse" in raw:
        page = parse_query_response(
            raw["QueryResponse"], reply, entity_name=None, time=time, where=where
        )
        return BatchItemReply(bid, page.entity_name, None, None, page, False)
    others = [key for key in raw if key not in ("bId", "time")]
    if len(others) != 1:
        raise malformed(reply, f"{where} holds {others or 'nothing'}, expected one entity")
    name = others[0]
    record = check_entity(raw[name], f"{where}.{name}", reply)
    return BatchItemReply(bid, name, record, None, None, _is_deleted_stub(record))


def parse_batch(reply: HttpReply) -> tuple[dict[str, BatchItemReply], datetime | None]:
    """``{"BatchItemResponse": [...], "time": ...}`` keyed by ``bId`` (order is not a contract)."""
    body, time = check_reply(reply)
    items = body.get("BatchItemResponse")
    if not isinstance(items, list):
        raise malformed(reply, "BatchItemResponse missing or not a list")
    by_bid: dict[str, BatchItemReply] = {}
    for index, raw in enumerate(items):
        item = _batch_item(raw, index, reply, time)
        by_bid[item.bid] = item
    return by_bid, time
