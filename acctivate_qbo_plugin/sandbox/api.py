"""The accounting API: turns a routed request into a status and a JSON body.

Writes carrying a ``requestid`` are remembered for the server's lifetime: a repeat gets the
original status and body back and changes nothing (also for a batch). The replay check and
the write happen under one lock, so two concurrent repeats cannot both write.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from acctivate_qbo_plugin.sandbox import batch, errors
from acctivate_qbo_plugin.sandbox.cdc import run_cdc
from acctivate_qbo_plugin.sandbox.company import Company, Replay
from acctivate_qbo_plugin.sandbox.entities import EntitySpec, spec_for_any_case
from acctivate_qbo_plugin.sandbox.query_engine import run_query
from acctivate_qbo_plugin.sandbox.routing import Route
from acctivate_qbo_plugin.sandbox.store import Reader
from acctivate_qbo_plugin.sandbox.validation import check_entity_id

MAX_REQUEST_ID = 50
MAX_BATCH_REQUEST_ID = 36


@dataclass
class ApiResult:
    status: int
    body: dict[str, Any]
    kind: str
    entity: str | None = None
    outcome: str = "ok"
    requestid: str | None = None


@dataclass(frozen=True)
class ApiRequest:
    route: Route
    params: dict[str, str]
    body: bytes
    content_type: str
    started: dt.datetime


class Api:
    def __init__(self, company: Company) -> None:
        self.company = company

    def handle(self, request: ApiRequest) -> ApiResult:
        company = self.company
        time_text = company.calendar.response_time(request.started)
        route = request.route
        kind = _initial_kind(request)
        request_id = request.params.get("requestid") or None
        remembered = request_id is not None and _is_write(request)
        try:
            minorversion = _minor_version(request.params.get("minorversion"))
            if _is_write(request):
                _check_request_id(request_id, batch=route.kind == "batch")
            with company.lock:
                if remembered:
                    replay = company.replays.get(request_id)
                    if replay is not None:
                        return ApiResult(
                            replay.status,
                            replay.body,
                            replay.kind,
                            route.entity,
                            "replayed",
                            request_id,
                        )
                result = self._run(request, time_text, minorversion)
                if remembered:
                    company.replays[request_id] = Replay(result.status, result.body, result.kind)
                    result.requestid = request_id
                return result
        except errors.QboFault as fault:
            return ApiResult(
                fault.status, fault.body(time_text), kind, route.entity, "fault", request_id
            )

    def _run(self, request: ApiRequest, time_text: str, minorversion: int | None) -> ApiResult:
        route = request.route
        try:
            if route.kind == "read":
                _check_minor_version(_spec(route), minorversion)
                return self._read(route, time_text)
            if route.kind == "write":
                return self._write(request, time_text, minorversion)
            if route.kind == "query":
                statement = _statement(request)
                queried = spec_for_any_case(_query_entity(statement) or "")
                if queried is not None:
                    _check_minor_version(queried, minorversion)
                body = run_query(self.company.store, self.company.calendar, statement)
                return ApiResult(
                    200,
                    {"QueryResponse": body, "time": time_text},
                    "query",
                    _query_entity(statement),
                )
            if route.kind == "cdc":
                params = request.params
                for name in (params.get("entities") or "").split(","):
                    named = spec_for_any_case(name.strip())
                    if named is not None:
                        _check_minor_version(named, minorversion)
                body = run_cdc(
                    self.company.store,
                    self.company.calendar,
                    params.get("entities"),
                    params.get("changedSince"),
                    self.company.clock.now(),
                )
                return ApiResult(200, {**body, "time": time_text}, "cdc", params.get("entities"))
            if route.kind == "batch":
                return self._batch(request, time_text, minorversion)
            if route.kind == "preferences":
                if request.body.strip():
                    return self._write(request, time_text, minorversion, kind="preferences")
                return self._singleton("Preferences", time_text, "preferences")
            if route.kind == "companyinfo":
                if route.entity_id not in (self.company.realm_id, "1"):
                    raise errors.object_not_found()
                return self._singleton("CompanyInfo", time_text, "companyinfo")
        except errors.QboFault as fault:
            return ApiResult(
                fault.status, fault.body(time_text), _initial_kind(request), route.entity, "fault"
            )
        raise AssertionError(f"unrouted request kind {route.kind!r}")

    def _read(self, route: Route, time_text: str) -> ApiResult:
        spec = _spec(route)
        entity_id = check_entity_id(spec, route.entity_id)
        record = self.company.store.get(spec.name, entity_id)
        if record is None:
            raise errors.object_not_found()
        return ApiResult(200, {spec.name: record, "time": time_text}, "read", spec.name)

    def _singleton(self, entity: str, time_text: str, kind: str) -> ApiResult:
        record = self.company.store.get(entity, "1")
        if record is None:
            raise errors.object_not_found()
        return ApiResult(200, {entity: record, "time": time_text}, kind, entity)

    def _write(
        self,
        request: ApiRequest,
        time_text: str,
        minorversion: int | None,
        *,
        kind: str | None = None,
    ) -> ApiResult:
        spec = _spec(request.route)
        _check_minor_version(spec, minorversion)
        body = _json_body(request.body)
        operation = request.params.get("operation") or ""
        action = _write_action(operation, body)
        outcome = self._perform(action, spec, body, self.company.store, minorversion)
        return ApiResult(200, {spec.name: outcome, "time": time_text}, kind or action, spec.name)

    def _perform(
        self,
        action: str,
        spec: EntitySpec,
        body: object,
        reader: Reader,
        minorversion: int | None,
    ) -> dict[str, Any]:
        ctx = self.company.context(reader=reader, minorversion=minorversion)
        writes = self.company.writes
        perform: Callable[..., dict[str, Any]] = {
            "create": writes.create,
            "update": writes.update,
            "delete": writes.delete,
            "void": writes.void,
        }[action]
        return perform(spec, body, ctx)

    def _batch(self, request: ApiRequest, time_text: str, minorversion: int | None) -> ApiResult:
        body = _json_body(request.body)
        items = batch.parse_items(body, request_id=request.params.get("requestid") or None)
        store = self.company.store
        calendar = self.company.calendar

        def write(
            operation: str, entity: str, item_body: dict[str, Any], reader: Reader
        ) -> dict[str, Any]:
            spec = _spec_by_name(entity)
            _check_minor_version(spec, minorversion)
            # The item's operation decides: an "update" without an Id is a 2020, not a create.
            return self._perform(operation, spec, item_body, reader, minorversion)

        def query(statement: str, reader: Reader) -> dict[str, Any]:
            return run_query(reader, calendar, statement)

        view = store.begin_view()
        try:
            responses = batch.run_items(items, view, write, query)
        finally:
            store.end_view()
        return ApiResult(200, {"BatchItemResponse": responses, "time": time_text}, "batch")


def _is_write(request: ApiRequest) -> bool:
    kind = request.route.kind
    return kind in ("write", "batch") or (kind == "preferences" and bool(request.body.strip()))


def _initial_kind(request: ApiRequest) -> str:
    """The log kind of a request before it runs (a write's depends on its body)."""
    route = request.route
    if route.kind != "write":
        return route.kind
    try:
        body = json.loads(request.body.decode("utf-8") or "null")
        return _write_action(request.params.get("operation") or "", body)
    except (ValueError, UnicodeDecodeError, errors.QboFault):
        return "create"


def _write_action(operation: str, body: object) -> str:
    operation = operation.lower()
    if operation in ("delete", "void"):
        return operation
    if operation not in ("", "create", "update"):
        raise errors.invalid_enumeration(
            "operation", operation, ["create", "update", "delete", "void"]
        )
    has_id = isinstance(body, dict) and body.get("Id") not in (None, "")
    return "update" if has_id else "create"


def _spec(route: Route) -> EntitySpec:
    if route.spec is None:
        raise errors.object_not_found()
    return route.spec


def _spec_by_name(name: str) -> EntitySpec:
    spec = spec_for_any_case(name)
    if spec is None:
        raise errors.invalid_body(f'Unrecognized field "{name}"')
    return spec


def _json_body(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise errors.unsupported_operation("request body", "the body must be UTF-8 JSON") from None
    if not text.strip():
        raise errors.invalid_body("the request body is empty; send the entity as a JSON object")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise errors.invalid_body(
            f"the request body is not valid JSON ({exc.msg} at {where})"
        ) from None


def _statement(request: ApiRequest) -> str:
    statement = request.params.get("query")
    if statement is None and request.body:
        try:
            statement = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise errors.query_parse_error("the query body must be UTF-8 text") from None
    if statement is None or not statement.strip():
        raise errors.query_parse_error("no query: send ?query=SELECT ... or a text body")
    return statement


def _query_entity(statement: str) -> str | None:
    words = statement.replace("(", " ").split()
    upper = [word.upper() for word in words]
    return words[upper.index("FROM") + 1] if "FROM" in upper[:-1] else None


def _minor_version(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise errors.invalid_value("minorversion", value, "an integer such as 75")
    return int(value)


def _check_minor_version(spec: EntitySpec, minorversion: int | None) -> None:
    needed = spec.min_minor_version
    if needed is not None and minorversion is not None and minorversion < needed:
        raise errors.operation_not_supported(
            spec.name,
            f"minorversion {minorversion}",
            f"send minorversion={needed} or higher (75 is current)",
        )


def _check_request_id(request_id: str | None, *, batch: bool) -> None:
    if request_id is None:
        return
    limit = MAX_BATCH_REQUEST_ID if batch else MAX_REQUEST_ID
    if len(request_id) > limit:
        raise errors.string_too_long("requestid", limit, len(request_id))
