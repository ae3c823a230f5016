"""The batch endpoint: up to 30 items run serially; each answers with its entity or a Fault.

Items cannot see each other's results (Intuit: "requests do not have visibility of earlier
requests included from the same payload"): references and queries resolve against the store
as it was when the batch started, while the writes themselves apply in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from acctivate_qbo_plugin.sandbox import errors
from acctivate_qbo_plugin.sandbox.entities import spec_for
from acctivate_qbo_plugin.sandbox.store import Reader

MAX_ITEMS = 30
MAX_BID_WITH_REQUEST_ID = 10
_OPERATIONS = ("create", "update", "delete")

# (operation, entity name, body, reader) -> the written entity or deletion stub
WriteItem = Callable[[str, str, dict[str, Any], Reader], dict[str, Any]]
# (statement, reader) -> QueryResponse
QueryItem = Callable[[str, Reader], dict[str, Any]]


def parse_items(body: object, *, request_id: str | None) -> list[dict[str, Any]]:
    """The validated BatchItemRequest list (faults that reject the whole batch are raised)."""
    if not isinstance(body, dict) or "BatchItemRequest" not in body:
        raise errors.required_missing("BatchItemRequest")
    items = body["BatchItemRequest"]
    if not isinstance(items, list):
        raise errors.invalid_value("BatchItemRequest", items, "java.util.List<BatchItemRequest>")
    if len(items) > MAX_ITEMS:
        raise errors.batch_too_large(len(items), MAX_ITEMS)
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise errors.invalid_value(f"BatchItemRequest[{index}]", item, "BatchItemRequest")
        bid = item.get("bId")
        if not isinstance(bid, str) or not bid:
            raise errors.required_missing(f"BatchItemRequest[{index}].bId")
        if request_id is not None and len(bid) > MAX_BID_WITH_REQUEST_ID:
            raise errors.string_too_long("bId", MAX_BID_WITH_REQUEST_ID, len(bid))
        if bid in seen:
            raise errors.business_validation(
                f"bId {bid!r} is used twice in one batch; give every item its own bId", "bId"
            )
        seen.add(bid)
    return items


def run_items(
    items: list[dict[str, Any]], reader: Reader, write: WriteItem, query: QueryItem
) -> list[dict[str, Any]]:
    responses = []
    for item in items:
        bid = item["bId"]
        try:
            payload = _run_item(item, reader, write, query)
        except errors.QboFault as fault:
            payload = {"Fault": fault.fault_json(in_batch=True)}
        payload["bId"] = bid
        responses.append(payload)
    return responses


def _run_item(
    item: dict[str, Any], reader: Reader, write: WriteItem, query: QueryItem
) -> dict[str, Any]:
    if "Query" in item:
        statement = item["Query"]
        if not isinstance(statement, str):
            raise errors.invalid_value("Query", statement, "java.lang.String")
        return {"QueryResponse": query(statement, reader)}
    if "CDCQuery" in item or "ReportQuery" in item:
        kind = "CDCQuery" if "CDCQuery" in item else "ReportQuery"
        raise errors.operation_not_supported(kind, "batch", "the sandbox runs Query items only")
    operation = item.get("operation")
    entity_keys = [key for key in item if key not in ("bId", "operation", "optionsData")]
    if len(entity_keys) != 1:
        raise errors.required_missing('the entity object (e.g. "Invoice": {...})')
    entity = entity_keys[0]
    if spec_for(entity) is None:
        raise errors.invalid_body(f'Unrecognized field "{entity}" in BatchItemRequest')
    if operation not in _OPERATIONS:
        raise errors.invalid_enumeration("operation", operation, _OPERATIONS)
    body = item[entity]
    if not isinstance(body, dict):
        raise errors.invalid_value(entity, body, entity)
    if operation == "update" and item.get("optionsData") == "void":
        operation = "void"
    return {entity: write(operation, entity, body, reader)}
