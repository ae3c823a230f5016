"""``SandboxServer``: a local HTTP server that behaves like the QBO v3 API and Intuit OAuth."""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any

from acctivate_qbo_plugin.sandbox.api import Api
from acctivate_qbo_plugin.sandbox.clock import SandboxClock
from acctivate_qbo_plugin.sandbox.company import Company
from acctivate_qbo_plugin.sandbox.faults import FaultInjector
from acctivate_qbo_plugin.sandbox.handler import SandboxRequestHandler
from acctivate_qbo_plugin.sandbox.limits import RateLimiter
from acctivate_qbo_plugin.sandbox.oauth import TokenAuthority
from acctivate_qbo_plugin.sandbox.persistence import load_state, save_state
from acctivate_qbo_plugin.sandbox.request_log import RequestLog, RequestRecord
from acctivate_qbo_plugin.sandbox.routing import AUTHORIZE_PATH, REVOKE_PATH, TOKEN_PATH
from acctivate_qbo_plugin.sandbox.settings import SandboxSettings
from acctivate_qbo_plugin.sandbox.store import Record


@dataclass
class SandboxRuntime:
    """Everything the request handlers share (one per server)."""

    settings: SandboxSettings
    clock: SandboxClock
    company: Company
    api: Api
    tokens: TokenAuthority
    limiter: RateLimiter
    faults: FaultInjector
    log: RequestLog
    stopping: threading.Event = field(default_factory=threading.Event)
    base_url: str = ""


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops bursts of parallel connects (1 s SYN retry)

    def __init__(self, address: tuple[str, int], runtime: SandboxRuntime) -> None:
        super().__init__(address, SandboxRequestHandler)
        self.runtime = runtime
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_open_connections(self) -> None:
        """Kept-alive client connections would otherwise keep their threads waiting."""
        with self._open_lock:
            sockets = list(self._open)
            self._open.clear()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class SandboxServer:
    """A QBO sandbox on 127.0.0.1. Use it as a context manager, or call start() and stop()."""

    def __init__(self, settings: SandboxSettings | None = None) -> None:
        self.settings = settings or SandboxSettings()
        self.clock = SandboxClock()
        company = Company(self.settings, self.clock)
        self.faults = FaultInjector()
        self._runtime = SandboxRuntime(
            settings=self.settings,
            clock=self.clock,
            company=company,
            api=Api(company),
            tokens=TokenAuthority(self.settings, self.clock),
            limiter=RateLimiter(self.settings, self.clock),
            faults=self.faults,
            log=RequestLog(),
        )
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle = threading.Lock()
        if self.settings.persist_path is not None:
            state = load_state(self.settings.persist_path)
            if state is not None:
                company.restore(state["company"])
                self._runtime.tokens.restore(state.get("tokens") or {})

    def __repr__(self) -> str:
        where = self._runtime.base_url or "not started"
        return f"SandboxServer({where}, realm_id={self.realm_id!r})"

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> SandboxServer:
        with self._lifecycle:
            if self._httpd is not None:
                return self
            if self._runtime.stopping.is_set():
                raise RuntimeError(
                    "this SandboxServer was stopped; create a new one to start again"
                )
            httpd = _HttpServer((self.settings.host, self.settings.port), self._runtime)
            host, port = httpd.server_address[:2]
            self._runtime.base_url = f"http://{host}:{port}"
            self._httpd = httpd
            self._thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": 0.01},
                name=f"qbo-sandbox-{port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        with self._lifecycle:
            httpd, thread = self._httpd, self._thread
            self._runtime.stopping.set()
            self.faults.release_held()  # wakes delayed or held requests, which then close
            if httpd is not None:
                httpd.shutdown()
                httpd.close_open_connections()
                httpd.server_close()
            if thread is not None:
                thread.join(timeout=5)
            self._httpd = self._thread = None
            if self.settings.persist_path is not None:
                self.save()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def save(self) -> None:
        """Write the state to ``persist_path`` now (it is also written on stop)."""
        if self.settings.persist_path is None:
            raise RuntimeError("SandboxSettings.persist_path is not set; there is nowhere to save")
        state = {
            "company": self._runtime.company.snapshot(),
            "tokens": self._runtime.tokens.snapshot(),
        }
        save_state(self.settings.persist_path, state)

    # --- where it listens ------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if not self._runtime.base_url or self._httpd is None:
            raise RuntimeError(
                "the sandbox is not running; call start() or use `with SandboxServer(...)`"
            )
        return self._runtime.base_url

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    @property
    def token_url(self) -> str:
        return f"{self.base_url}{TOKEN_PATH}"

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}{AUTHORIZE_PATH}"

    @property
    def revoke_url(self) -> str:
        """Intuit's token revocation endpoint (``POST {"token": ...}``)."""
        return f"{self.base_url}{REVOKE_PATH}"

    @property
    def api_url(self) -> str:
        """``{base_url}/v3/company/{realm_id}``."""
        return f"{self.base_url}/v3/company/{self.realm_id}"

    @property
    def realm_id(self) -> str:
        return self.settings.realm_id

    # --- OAuth shortcuts -------------------------------------------------------------------

    def issue_tokens(self) -> dict[str, Any]:
        """A fresh token pair for the realm, as the token endpoint would return it."""
        return self._runtime.tokens.issue(self.realm_id)

    def issued_secrets(self) -> list[str]:
        """Every token and authorization code this server handed out (for leak checks)."""
        return list(self._runtime.tokens.issued)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far now answers 401 / 3200."""
        self._runtime.tokens.expire_access_tokens()

    def revoke_refresh_tokens(self) -> None:
        """Every refresh token issued so far now answers ``invalid_grant``."""
        self._runtime.tokens.revoke_refresh_tokens()

    # --- records ---------------------------------------------------------------------------

    def entities(self, entity: str) -> list[Record]:
        """Deep copies of every current record of ``entity`` (inactive ones included)."""
        return self._runtime.company.entities(entity)

    def entity(self, entity: str, entity_id: str) -> Record | None:
        return self._runtime.company.entity(entity, entity_id)

    def put_entity(self, entity: str, body: Record, *, keep_metadata: bool = False) -> Record:
        """Insert or replace a record as if edited in the QBO UI; returns what was stored."""
        return self._runtime.company.put_entity(entity, body, keep_metadata=keep_metadata)

    def delete_entity(self, entity: str, entity_id: str) -> None:
        """Delete a record as if in the QBO UI; CDC then reports its deleted stub."""
        self._runtime.company.delete_entity(entity, entity_id)

    def set_book_close_date(self, close_date: Any) -> None:
        """Move Preferences.AccountingInfoPrefs.BookCloseDate (a date, "YYYY-MM-DD" or None)."""
        self._runtime.company.set_book_close_date(close_date)

    # --- the request log -------------------------------------------------------------------

    @property
    def request_log(self) -> list[RequestRecord]:
        return self._runtime.log.records()

    def count_requests(self, kind: str | None = None, **filters: Any) -> int:
        """How many requests of ``kind`` (read, query, cdc, batch, create, update, delete,
        void, token, ...; "throttled" counts throttled answers); filters: outcome, status,
        entity."""
        return self._runtime.log.count(kind, **filters)

    def reset_request_log(self) -> None:
        self._runtime.log.clear()

    def in_flight(self) -> int:
        """API requests of the realm being processed right now."""
        return self._runtime.limiter.in_flight(self.realm_id)

    def wait_in_flight(self, count: int, timeout: float = 5.0) -> bool:
        """Wait (without polling) until ``count`` API requests are being processed."""
        return self._runtime.limiter.wait_in_flight(self.realm_id, count, timeout)

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until the request log holds ``count`` answered requests (a test helper for
        requests the client stopped waiting for, e.g. after a timeout)."""
        return self._runtime.log.wait_for(count, timeout)
