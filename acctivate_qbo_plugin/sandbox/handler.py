"""The HTTP request handler: limits, auth, faults, then the API or the OAuth endpoints.

Order for an API request: admit it against the rate limits (429/403 XML when over), add the
injected latency/hold (outside every lock), check the bearer token (401) and the realm (403),
answer an injected failure if one is queued, otherwise run it; then apply a post-processing
fault (drop the connection, garble the body). Every answer carries an ``intuit_tid`` header.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import urllib.parse
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from acctivate_qbo_plugin.sandbox import errors, responses
from acctivate_qbo_plugin.sandbox.api import ApiRequest
from acctivate_qbo_plugin.sandbox.faults import FaultPlan
from acctivate_qbo_plugin.sandbox.limits import Refusal
from acctivate_qbo_plugin.sandbox.oauth import OAuthError
from acctivate_qbo_plugin.sandbox.request_log import RequestRecord
from acctivate_qbo_plugin.sandbox.responses import Reply
from acctivate_qbo_plugin.sandbox.routing import Route, resolve

if TYPE_CHECKING:
    import datetime as dt

    from acctivate_qbo_plugin.sandbox.server import SandboxRuntime

logger = logging.getLogger("acctivate_qbo_plugin.sandbox")
MAX_BODY = 50 * 1024 * 1024


class _Outcome:
    """What to record about a request once it has been answered."""

    def __init__(self, route: Route) -> None:
        self.kind = route.kind if route.kind != "write" else "create"
        self.entity = route.entity
        self.status = 0
        self.outcome = "ok"
        self.requestid: str | None = None
        self.faults: list[str] = []
        self.limit: str | None = None


class SandboxRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "QBOSandbox/1.0"

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and
        # the client's delayed ACK add ~40 ms to every keep-alive response.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        # Only the method and path, never headers or the query string.
        logger.debug("sandbox %s", format % args if args else format)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        logger.debug("sandbox %s %s -> %s", self.command, self.path.split("?", 1)[0], code)

    @property
    def runtime(self) -> SandboxRuntime:
        return self.server.runtime  # type: ignore[attr-defined,no-any-return]

    # --- the request pipeline --------------------------------------------------------------

    def _handle(self, method: str) -> None:
        runtime = self.runtime
        started = runtime.clock.now()
        tid = responses.new_intuit_tid()
        split = urllib.parse.urlsplit(self.path)
        path, query = split.path, split.query
        route = resolve(method, path)
        outcome = _Outcome(route)
        try:
            body = self._read_body()
        except ValueError as exc:
            reply = responses.json_reply(
                400, {"error": "invalid_request", "error_description": str(exc)}
            )
            self._finish(reply, tid, outcome, started, path, query)
            return
        if route.kind == "not_found":
            self._finish(responses.not_found_reply(path), tid, outcome, started, path, query)
        elif route.is_api:
            self._api(route, path, query, body, started, tid, outcome)
        else:
            self._oauth(route, path, query, body, started, tid, outcome)

    def _api(
        self,
        route: Route,
        path: str,
        query: str,
        body: bytes,
        started: dt.datetime,
        tid: str,
        outcome: _Outcome,
    ) -> None:
        runtime = self.runtime
        assert route.realm is not None
        time_text = runtime.company.calendar.response_time(started)
        admission = runtime.limiter.admit(route.realm, is_batch=route.kind == "batch")
        if isinstance(admission, Refusal):
            settings = runtime.settings
            outcome.outcome = "throttled"
            outcome.limit = admission.limit
            reply = responses.throttle_reply(
                settings.throttle_status, time_text, settings.throttle_retry_after
            )
            self._finish(reply, tid, outcome, started, path, query)
            return
        is_write = route.kind in ("write", "batch") or (
            route.kind == "preferences" and self.command == "POST"
        )
        try:
            plan = runtime.faults.plan(path, is_api=True, is_write=is_write)
            outcome.faults = plan.applied
            if not self._wait(runtime.settings.latency + plan.latency + plan.hold, plan):
                self._drop(outcome, tid, started, path, query)
                return
            reply = self._gate(route, plan, time_text, outcome)
            if reply is None:
                reply = self._run_api(route, path, query, body, started, outcome)
                runtime.faults.after_processing(plan, path, is_api=True, is_write=is_write)
                if plan.drop:
                    self._drop(outcome, tid, started, path, query)
                    return
                if plan.malformed is not None:
                    reply = responses.malformed(reply, plan.malformed)
            self._finish(reply, tid, outcome, started, path, query)
        finally:
            runtime.limiter.release(admission)

    def _gate(
        self, route: Route, plan: FaultPlan, time_text: str, outcome: _Outcome
    ) -> Reply | None:
        """Auth, realm and injected failures: an answer that replaces processing, or None."""
        runtime = self.runtime
        if runtime.settings.require_auth:
            token_realm = runtime.tokens.realm_of_access_token(self.headers.get("Authorization"))
            if token_realm is None:
                outcome.outcome = "unauthorized"
                return responses.unauthorized_reply(int(runtime.clock.time() * 1000))
        else:
            token_realm = route.realm
        if route.realm != runtime.company.realm_id or token_realm != route.realm:
            outcome.outcome = "fault"
            fault = errors.application_authorization_failed(str(route.realm))
            return responses.json_reply(fault.status, fault.body(time_text))
        # Queued failures are spent only on requests that got this far.
        runtime.faults.before_processing(plan, self.path.split("?", 1)[0], is_api=True)
        if plan.failure is not None:
            outcome.outcome = "injected"
            failure = plan.failure
            if failure.kind == "throttle":
                outcome.outcome = "throttled"
                return responses.throttle_reply(failure.status, time_text, failure.retry_after)
            return responses.injected_failure_reply(failure.status, failure.variant, time_text)
        return None

    def _run_api(
        self,
        route: Route,
        path: str,
        query: str,
        body: bytes,
        started: dt.datetime,
        outcome: _Outcome,
    ) -> Reply:
        runtime = self.runtime
        if route.kind == "unsupported":
            fault = errors.unsupported_operation(path, f"{runtime.base_url}{path}")
            outcome.outcome = "fault"
            outcome.kind = "unsupported"
            return responses.json_reply(
                fault.status, fault.body(runtime.company.calendar.response_time(started))
            )
        params = _params(query)
        request = ApiRequest(route, params, body, self.headers.get("Content-Type", ""), started)
        try:
            result = runtime.api.handle(request)
        except Exception:  # a sandbox bug must not kill the connection thread silently
            logger.exception("sandbox failed on %s %s", self.command, path)
            fault = errors.system_failure("the sandbox hit an internal error; see its log")
            outcome.outcome = "fault"
            return responses.json_reply(
                500, fault.body(runtime.company.calendar.response_time(started))
            )
        outcome.kind, outcome.entity = result.kind, result.entity
        outcome.outcome, outcome.requestid = (
            result.outcome,
            result.requestid or params.get("requestid"),
        )
        return responses.json_reply(result.status, result.body)

    def _oauth(
        self,
        route: Route,
        path: str,
        query: str,
        body: bytes,
        started: dt.datetime,
        tid: str,
        outcome: _Outcome,
    ) -> None:
        runtime = self.runtime
        plan = runtime.faults.plan(path, is_api=False, is_write=False)
        outcome.faults = plan.applied
        if not self._wait(plan.latency + plan.hold, plan):
            self._drop(outcome, tid, started, path, query)
            return
        runtime.faults.before_processing(plan, path, is_api=False)
        if plan.failure is not None:
            outcome.outcome = "injected"
            time_text = runtime.company.calendar.response_time(started)
            reply = responses.injected_failure_reply(
                plan.failure.status, plan.failure.variant, time_text
            )
            self._finish(reply, tid, outcome, started, path, query)
            return
        try:
            if route.kind == "authorize":
                location = runtime.tokens.authorize(_params(query), runtime.company.realm_id)
                reply = Reply(302, b"", None, {"Location": location})
            elif route.kind == "token":
                form = _params(body.decode("utf-8", errors="replace"))
                hard = (
                    self.headers.get("x-include-refresh-token-hard-expires-in", "").lower()
                    == "true"
                )
                tokens = runtime.tokens.token_endpoint(
                    form, self.headers.get("Authorization"), hard_expiry=hard
                )
                reply = responses.oauth_reply(200, tokens)
            else:
                runtime.tokens.revoke(_revoked_token(body))
                reply = responses.oauth_reply(200, {})
        except OAuthError as exc:
            outcome.outcome = "fault"
            reply = responses.oauth_reply(exc.status, exc.body())
        self._finish(reply, tid, outcome, started, path, query)

    # --- plumbing ---------------------------------------------------------------------------

    def _wait(self, seconds: float, plan: FaultPlan) -> bool:
        """Wait ``seconds`` (cut short by faults.reset()); False when the server is stopping.
        No lock is held meanwhile, so a slow request never delays another one."""
        if seconds > 0:
            plan.release.wait(seconds)
        return not self.runtime.stopping.is_set()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        length_text = self.headers.get("Content-Length") or "0"
        if not length_text.isdigit() or int(length_text) > MAX_BODY:
            raise ValueError(f"Content-Length must be a number of bytes up to {MAX_BODY}")
        return self.rfile.read(int(length_text))

    def _read_chunked(self) -> bytes:
        chunks = []
        total = 0
        while True:
            size_line = self.rfile.readline(1024).split(b";", 1)[0].strip()
            size = int(size_line or b"0", 16)
            if size == 0:
                self.rfile.readline(1024)
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                raise ValueError(f"the chunked body is larger than {MAX_BODY} bytes")
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _drop(
        self, outcome: _Outcome, tid: str, started: dt.datetime, path: str, query: str
    ) -> None:
        """Close the socket without answering (the client sees a lost acknowledgement)."""
        self.close_connection = True
        outcome.outcome, outcome.status = "dropped", 0
        self._record(outcome, tid, started, path, query)
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _finish(
        self, reply: Reply, tid: str, outcome: _Outcome, started: dt.datetime, path: str, query: str
    ) -> None:
        outcome.status = reply.status
        if outcome.outcome == "ok" and reply.status >= 400:
            outcome.outcome = "fault"
        # Logged before the answer leaves, so a client that has its response can count it.
        self._record(outcome, tid, started, path, query)
        try:
            self.send_response(reply.status)
            if reply.content_type:
                self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.send_header("intuit_tid", tid)
            self.send_header("QBO-Version", "sandbox")
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
            self.wfile.flush()
        except OSError:
            self.close_connection = True  # the client went away (e.g. it timed out)

    def _record(
        self, outcome: _Outcome, tid: str, started: dt.datetime, path: str, query: str
    ) -> None:
        self.runtime.log.add(
            RequestRecord(
                method=self.command,
                path=path,
                query=query,
                entity=outcome.entity,
                kind=outcome.kind,
                status=outcome.status,
                requestid=outcome.requestid,
                time=started,
                intuit_tid=tid,
                outcome=outcome.outcome,
                faults=tuple(outcome.faults),
                limit=outcome.limit,
            )
        )


def _params(query: str) -> dict[str, str]:
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    params: dict[str, str] = {}
    for key, value in pairs:
        params.setdefault(key, value)
    return params


def _revoked_token(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        try:
            value = json.loads(text).get("token", "")
        except (ValueError, AttributeError):
            value = ""
        return str(value)
    return _params(text).get("token", "")
