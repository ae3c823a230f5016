"""Receiving the OAuth redirect: a one-shot HTTP listener on this machine's loopback.

After the user approves access, Intuit sends the browser to the app's redirect URI with
``code``, ``state`` and ``realmId`` (or ``error``) in the query. For a command-line tool that
URI is ``http://localhost:PORT/callback`` and this listener answers it. Intuit accepts plain
http only for ``localhost`` (never an IP address) and only for development keys; production
keys need an https redirect URI, whose query the user pastes back instead
(:meth:`AuthorizationResponse.from_redirect`).

The listener binds 127.0.0.1 and, when it can, ::1 on the same port, because a browser may
resolve ``localhost`` to either. It never logs a request line: the code is a secret.
"""

from __future__ import annotations

import errno
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from acctivate_qbo_plugin.qbo import register_secret

__all__ = ["CALLBACK_PATH", "AuthorizationResponse", "LoopbackReceiver", "RedirectPortInUse"]

CALLBACK_PATH = "/callback"

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>acctivate-qbo</title></head>
<body style="font-family: sans-serif; margin: 3em"><h2>{title}</h2><p>{text}</p></body></html>"""


class RedirectPortInUse(OSError):
    """The redirect port is taken by another program."""


@dataclass(frozen=True)
class AuthorizationResponse:
    """What the redirect carried; ``code`` never prints."""

    code: str | None = field(default=None, repr=False)
    state: str | None = None
    realm_id: str | None = None
    error: str | None = None
    error_description: str | None = None

    def __post_init__(self) -> None:
        register_secret(self.code)

    @classmethod
    def from_query(cls, query: str) -> AuthorizationResponse:
        values = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items() if v}
        return cls(
            code=values.get("code") or None,
            state=values.get("state"),
            realm_id=values.get("realmId") or None,
            error=values.get("error") or None,
            error_description=values.get("error_description") or None,
        )

    @classmethod
    def from_redirect(cls, text: str) -> AuthorizationResponse:
        """From the address the browser landed on (or just its query), as a user pastes it."""
        text = text.strip()
        query = urlsplit(text).query if "://" in text else text.lstrip("?")
        return cls.from_query(query)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path.rstrip("/") != self.server.receiver.path.rstrip("/"):
            self._answer(404, "Not found", "This address only receives the QuickBooks answer.")
            return
        response = AuthorizationResponse.from_query(parts.query)
        if response.error:
            self._answer(
                200,
                "QuickBooks did not grant access",
                f"QuickBooks answered: {response.error}. Return to the terminal for what to do.",
            )
        else:
            self._answer(
                200,
                "Authorization received",
                "You can close this window: acctivate-qbo finishes the connection in the terminal.",
            )
        self.server.receiver._deliver(response)

    def _answer(self, status: int, title: str, text: str) -> None:
        body = _PAGE.format(title=title, text=text).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the request line holds the authorization code."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], receiver: LoopbackReceiver, family: int) -> None:
        self.address_family = family
        self.receiver = receiver
        super().__init__(address, _Handler)


class LoopbackReceiver:
    """Listens on ``http://localhost:PORT/callback`` (or ``path``) until the first answer.

    Use as a context manager; ``port=0`` takes any free port.
    """

    def __init__(self, port: int = 0, path: str = CALLBACK_PATH) -> None:
        self._requested_port = port
        self.path = path or "/"
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self._answer: AuthorizationResponse | None = None
        self._arrived = threading.Event()
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        if not self._servers:
            raise RuntimeError("the receiver is not started")
        return int(self._servers[0].server_address[1])

    @property
    def redirect_uri(self) -> str:
        return f"http://localhost:{self.port}{self.path}"

    def start(self) -> LoopbackReceiver:
        # Any free port (0): a port free on 127.0.0.1 may be taken on ::1; try a few.
        attempts = 5 if self._requested_port == 0 else 1
        for attempt in range(attempts):
            try:
                self._servers = self._bind(self._requested_port)
                break
            except RedirectPortInUse:
                if attempt == attempts - 1:
                    raise
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"oauth-redirect-{self.port}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def _bind(self, port: int) -> list[_Server]:
        """Listen on 127.0.0.1 and, where the machine has it, ::1 — the same port on both."""
        advice = (
            "Pass --redirect-port with a free port, and register http://localhost:PORT/callback "
            "in the Intuit app."
        )
        try:
            primary = _Server(("127.0.0.1", port), self, socket.AF_INET)
        except OSError as exc:
            raise RedirectPortInUse(
                f"cannot listen on port {port} for the QuickBooks redirect ({exc.strerror}): "
                f"another program uses it. {advice}"
            ) from None
        chosen = int(primary.server_address[1])
        try:
            return [primary, _Server(("::1", chosen), self, socket.AF_INET6)]
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                return [primary]  # no IPv6 loopback here: browsers use 127.0.0.1 then
            # Another program answers localhost over IPv6 on this port: a browser could hand
            # it the code. Refuse rather than race it.
            primary.server_close()  # never served: nothing to shut down
            raise RedirectPortInUse(
                f"port {chosen} is taken on the IPv6 loopback ([::1]) by another program. {advice}"
            ) from None

    def _deliver(self, response: AuthorizationResponse) -> None:
        with self._lock:
            if self._answer is None:
                self._answer = response
        self._arrived.set()

    def wait(self, timeout: float) -> AuthorizationResponse | None:
        """The first answer, or None if none came within ``timeout`` seconds."""
        if not self._arrived.wait(timeout):
            return None
        return self._answer

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> LoopbackReceiver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
