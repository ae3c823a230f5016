"""Send one QBO API request: rate limit, bearer token, timeouts, retries, logging.

This is the only module that touches the HTTP session. Retries live here rather than in
urllib3's ``Retry`` because each attempt must pass the rate limiter again, may need a fresh
access token, and must obey our write rule: a POST is resent only when it carries a
``requestid`` (QBO then replays the first answer instead of writing twice).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from acctivate_qbo_plugin.crashpoints import crash_point
from acctivate_qbo_plugin.qbo.errors import AuthError, ReconnectNeeded, Throttled, TransientError
from acctivate_qbo_plugin.qbo.faults import HttpReply
from acctivate_qbo_plugin.qbo.ratelimit import RateLimiter
from acctivate_qbo_plugin.qbo.redaction import get_logger, redact
from acctivate_qbo_plugin.qbo.retry import RetryPolicy

__all__ = ["AccessTokenSource", "ApiRequest", "Transport"]

_log = get_logger("acctivate_qbo_plugin.qbo.transport")
T = TypeVar("T")


class AccessTokenSource(Protocol):
    """Where the transport gets bearer tokens (a :class:`TokenManager` in production)."""

    def access_token(self) -> str: ...

    def refresh_after_rejection(self, rejected_access_token: str) -> str: ...


@dataclass(frozen=True)
class ApiRequest:
    """One call below ``/v3/company/{realm}/``.

    :ivar kind: read, query, count, cdc, batch, create, update, delete, void (for logs).
    :ivar write: True when resending could write twice (then only with a requestid).
    """

    method: str
    path: str
    kind: str
    params: dict[str, str] = field(default_factory=dict)
    json_body: Any = field(default=None, repr=False)
    text_body: str | None = field(default=None, repr=False)
    request_id: str | None = None
    write: bool = False

    @property
    def retryable(self) -> bool:
        return not self.write or self.request_id is not None


class Transport:
    """Owns the realm's ``requests.Session`` and runs the retry loop around each request."""

    def __init__(
        self,
        base_url: str,
        realm_id: str,
        tokens: AccessTokenSource,
        *,
        minorversion: int,
        timeout: tuple[float, float],
        pool_size: int,
        retry: RetryPolicy,
        rate_limiter: RateLimiter,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url
        self.realm_id = realm_id
        self.tokens = tokens
        self.minorversion = minorversion
        self.timeout = timeout
        self.retry = retry
        self.rate_limiter = rate_limiter
        self._sleep = sleep
        self._clock = clock
        self.session = requests.Session()
        self.session.verify = True  # never disabled: tokens travel with every request
        self.session.headers.update({"Accept": "application/json"})
        # urllib3 must not retry on its own: it would bypass the limiter and the write rule.
        adapter = HTTPAdapter(
            pool_connections=2, pool_maxsize=max(10, pool_size), max_retries=Retry(0, read=False)
        )
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def close(self) -> None:
        self.session.close()

    def url_for(self, path: str) -> str:
        return f"{self.base_url}/v3/company/{self.realm_id}/{path}"

    def send(self, request: ApiRequest, parse: Callable[[HttpReply], T]) -> T:
        """Send ``request`` until it succeeds or a non-retryable error; return ``parse(reply)``."""
        started = self._clock()
        attempt = 0
        throttles = 0
        refreshed = False
        while True:
            attempt += 1
            token = self.tokens.access_token()
            try:
                reply = self._send_once(request, token)
                return parse(reply)
            except ReconnectNeeded:
                raise
            except AuthError as error:
                # 401/3200: the request was refused before processing, so resending it once
                # with a fresh token cannot write twice, requestid or not.
                if refreshed or error.status != 401:
                    raise
                refreshed = True
                _log.info(
                    "%s %s: access token refused (401); refreshing once",
                    request.method,
                    request.path,
                )
                self.tokens.refresh_after_rejection(token)
            except Throttled as error:
                throttles += 1
                if not request.retryable or throttles > self.retry.max_throttle_waits:
                    raise
                delay = self.retry.throttle_delay(error.retry_after)
                _log.warning(
                    "%s %s throttled by QBO (HTTP %s); waiting %.1f s",
                    request.method,
                    request.path,
                    error.status,
                    delay,
                )
                self.rate_limiter.pause(delay)
                self._sleep(delay)
            except TransientError as error:
                if not request.retryable:
                    raise
                delay = self.retry.backoff(attempt)
                spent = self._clock() - started
                if attempt >= self.retry.max_attempts or spent + delay > self.retry.max_elapsed:
                    raise
                _log.warning(
                    "%s %s failed (%s); retry %d in %.2f s",
                    request.method,
                    request.path,
                    error.message,
                    attempt,
                    delay,
                )
                self._sleep(delay)

    def _send_once(self, request: ApiRequest, token: str) -> HttpReply:
        url = self.url_for(request.path)
        params = {**request.params, "minorversion": str(self.minorversion)}
        if request.request_id is not None:
            params["requestid"] = request.request_id
        headers = {"Authorization": f"Bearer {token}"}
        data: bytes | None = None
        if request.json_body is not None:
            headers["Content-Type"] = "application/json"
        elif request.text_body is not None:
            headers["Content-Type"] = "application/text"
            data = request.text_body.encode("utf-8")
        with self.rate_limiter.slot(batch=request.kind == "batch"):
            began = time.perf_counter()
            try:
                response = self.session.request(
                    request.method,
                    url,
                    params=params,
                    json=request.json_body,
                    data=data,
                    headers=headers,
                    timeout=self.timeout,
                )
            except requests.RequestException as exc:
                elapsed = (time.perf_counter() - began) * 1000
                # A connect timeout never reached the server; anything later might have.
                unknown = request.write and not isinstance(exc, requests.ConnectTimeout)
                _log.debug(
                    "%s %s -> %s after %.1f ms",
                    request.method,
                    f"/v3/company/{self.realm_id}/{request.path}",
                    type(exc).__name__,
                    elapsed,
                )
                raise TransientError(
                    f"{request.method} {request.kind} request failed: {type(exc).__name__}: "
                    f"{redact(str(exc))[:300]}",
                    outcome_unknown=unknown,
                ) from None
        reply = HttpReply(response.status_code, response.headers, response.content)
        crash_point("qbo.reply_received")
        _log.debug(
            "%s %s -> %s in %.1f ms intuit_tid=%s",
            request.method,
            f"/v3/company/{self.realm_id}/{request.path}",
            response.status_code,
            (time.perf_counter() - began) * 1000,
            reply.intuit_tid,
        )
        return reply
