"""Create, full update, sparse update, delete and void: the one path every write takes."""

from __future__ import annotations

import copy
from typing import Any

from acctivate_qbo_plugin.sandbox import errors, rules
from acctivate_qbo_plugin.sandbox.effects import Effect, apply_effects
from acctivate_qbo_plugin.sandbox.entities import EntitySpec, Kind
from acctivate_qbo_plugin.sandbox.handlers_base import SERVER_KEYS, Handler, ordered
from acctivate_qbo_plugin.sandbox.handlers_journal import (
    InventoryAdjustmentHandler,
    JournalEntryHandler,
)
from acctivate_qbo_plugin.sandbox.handlers_lists import (
    AccountHandler,
    ItemHandler,
    PaymentMethodHandler,
    TermHandler,
)
from acctivate_qbo_plugin.sandbox.handlers_parties import (
    CustomerHandler,
    EmployeeHandler,
    VendorHandler,
)
from acctivate_qbo_plugin.sandbox.handlers_payment import PaymentHandler
from acctivate_qbo_plugin.sandbox.handlers_purchases import BillHandler
from acctivate_qbo_plugin.sandbox.handlers_sales import SalesFormHandler
from acctivate_qbo_plugin.sandbox.store import Record
from acctivate_qbo_plugin.sandbox.validation import (
    WriteContext,
    as_body,
    check_entity_id,
    check_known_properties,
)

HANDLERS: dict[str, Handler] = {
    "Customer": CustomerHandler(),
    "Vendor": VendorHandler(),
    "Employee": EmployeeHandler(),
    "Item": ItemHandler(),
    "Account": AccountHandler(),
    "Term": TermHandler(),
    "PaymentMethod": PaymentMethodHandler(),
    "Invoice": SalesFormHandler("Invoice"),
    "SalesReceipt": SalesFormHandler("SalesReceipt"),
    "Estimate": SalesFormHandler("Estimate"),
    "CreditMemo": SalesFormHandler("CreditMemo"),
    "RefundReceipt": SalesFormHandler("RefundReceipt"),
    "Bill": BillHandler(),
    "JournalEntry": JournalEntryHandler(),
    "InventoryAdjustment": InventoryAdjustmentHandler(),
    "Payment": PaymentHandler(),
}
_DEFAULT_HANDLER = Handler()
_SERVER_KEYS = frozenset(SERVER_KEYS) | {"status"}
# A full update that omits these keeps them: QBO does not renumber or redate a transaction.
_KEPT_ON_FULL_UPDATE = frozenset({"DocNumber", "TxnDate"})


def handler_for(entity: str) -> Handler:
    return HANDLERS.get(entity, _DEFAULT_HANDLER)


def effects_of(spec: EntitySpec, record: Record | None, ctx: WriteContext) -> list[Effect]:
    if record is None or (spec.name, record.get("Id")) in ctx.store.voided:
        return []  # a voided transaction no longer moves balances or stock
    return handler_for(spec.name).effects(record, ctx.store)


def _client_fields(body: dict[str, Any]) -> dict[str, Any]:
    return {key: copy.deepcopy(value) for key, value in body.items() if key not in _SERVER_KEYS}


def _content(record: Record) -> Record:
    return {key: value for key, value in record.items() if key not in _SERVER_KEYS}


def _finish(
    handler: Handler,
    record: Record,
    *,
    entity_id: str,
    sync_token: int,
    created: str,
    ctx: WriteContext,
) -> Record:
    record.update(
        {
            "domain": "QBO",
            "sparse": False,
            "Id": entity_id,
            "SyncToken": str(sync_token),
            "MetaData": {"CreateTime": created, "LastUpdatedTime": ctx.stamp},
        }
    )
    return ordered(record, handler.order)


class WriteService:
    def create(self, spec: EntitySpec, raw_body: object, ctx: WriteContext) -> Record:
        body = as_body(raw_body, spec.name)
        _check_writable(spec, "Create")
        if spec.kind is Kind.SINGLETON:
            raise errors.operation_not_supported("Create", spec.name, "it exists once per company")
        check_known_properties(spec, body)
        handler = handler_for(spec.name)
        prepared = handler.prepare(spec, _client_fields(body), existing=None, ctx=ctx)
        self._business_rules(spec, handler, prepared, None, ctx)
        entity_id = ctx.store.allocate_id(spec)
        record = _finish(
            handler, prepared, entity_id=entity_id, sync_token=0, created=ctx.stamp, ctx=ctx
        )
        ctx.store.put(spec.name, record)
        apply_effects(ctx.store, ctx.stamp, [], effects_of(spec, record, ctx))
        return record

    def update(self, spec: EntitySpec, raw_body: object, ctx: WriteContext) -> Record:
        body = as_body(raw_body, spec.name)
        _check_writable(spec, "Update")
        check_known_properties(spec, body)
        existing = self._current(spec, body, ctx)
        handler = handler_for(spec.name)
        handler.check_update(spec, body, existing, ctx)
        rules.check_open_period(spec, existing, ctx)
        fields = _client_fields(body)
        if body.get("sparse") in (True, "true"):
            merged = copy.deepcopy(_content(existing))
            merged.update(fields)
        else:
            kept = handler.retained | (_KEPT_ON_FULL_UPDATE if spec.is_transaction else set())
            merged = {
                key: copy.deepcopy(existing[key])
                for key in kept
                if key in existing and key not in fields
            }
            merged.update(fields)
        prepared = handler.prepare(spec, merged, existing=existing, ctx=ctx)
        if _content(prepared) == _content(existing):
            return existing  # nothing changed: QBO keeps the SyncToken and LastUpdatedTime
        self._business_rules(spec, handler, prepared, existing["Id"], ctx)
        record = _finish(
            handler,
            prepared,
            entity_id=existing["Id"],
            sync_token=int(existing["SyncToken"]) + 1,
            created=existing["MetaData"]["CreateTime"],
            ctx=ctx,
        )
        before = effects_of(spec, existing, ctx)
        ctx.store.put(spec.name, record)
        apply_effects(ctx.store, ctx.stamp, before, effects_of(spec, record, ctx))
        return record

    def delete(self, spec: EntitySpec, raw_body: object, ctx: WriteContext) -> Record:
        body = as_body(raw_body, spec.name)
        if not spec.is_transaction:
            raise errors.operation_not_supported(
                "Delete",
                spec.name,
                'name-list records are deleted by an update with "Active": false',
            )
        existing = self._current(spec, body, ctx)
        rules.check_open_period(spec, existing, ctx)
        before = effects_of(spec, existing, ctx)
        stub = {
            "domain": "QBO",
            "status": "Deleted",
            "Id": existing["Id"],
            "MetaData": {"LastUpdatedTime": ctx.stamp},
        }
        ctx.store.remove(spec.name, existing["Id"], stub)
        apply_effects(ctx.store, ctx.stamp, before, [])
        return {"domain": "QBO", "status": "Deleted", "Id": existing["Id"]}

    def void(self, spec: EntitySpec, raw_body: object, ctx: WriteContext) -> Record:
        body = as_body(raw_body, spec.name)
        if not spec.voidable:
            raise errors.operation_not_supported(
                "Void", spec.name, "only sales and payment transactions can be voided"
            )
        existing = self._current(spec, body, ctx)
        rules.check_open_period(spec, existing, ctx)
        handler = handler_for(spec.name)
        before = effects_of(spec, existing, ctx)
        voided = handler.void(existing)
        record = _finish(
            handler,
            _content(voided),
            entity_id=existing["Id"],
            sync_token=int(existing["SyncToken"]) + 1,
            created=existing["MetaData"]["CreateTime"],
            ctx=ctx,
        )
        ctx.store.put(spec.name, record)
        ctx.store.voided.add((spec.name, record["Id"]))
        apply_effects(ctx.store, ctx.stamp, before, [])
        return record

    @staticmethod
    def _current(spec: EntitySpec, body: dict[str, Any], ctx: WriteContext) -> Record:
        """The record an update/delete/void names, with the SyncToken check (5010)."""
        if "Id" not in body:
            raise errors.required_missing("Id")
        entity_id = check_entity_id(spec, body["Id"])
        existing = ctx.store.get(spec.name, entity_id)
        if existing is None:
            raise errors.object_not_found()
        token = body.get("SyncToken")
        if token is None:
            raise errors.required_missing("SyncToken")
        if str(token) != existing.get("SyncToken"):
            raise errors.stale_object()
        return existing

    @staticmethod
    def _business_rules(
        spec: EntitySpec, handler: Handler, record: Record, own_id: str | None, ctx: WriteContext
    ) -> None:
        rules.check_open_period(spec, record, ctx)
        rules.check_inventory_start(handler, record, ctx)
        rules.check_unique_name(spec, record, own_id, ctx)
        rules.check_unique_doc_number(spec, record, own_id, ctx)


def _check_writable(spec: EntitySpec, operation: str) -> None:
    if not spec.api_writable:
        raise errors.operation_not_supported(
            operation, spec.name, "it is maintained by QuickBooks' tax service"
        )
