"""The QBO client: the one way the plugin talks to QuickBooks Online.

One :class:`QboClient` per realm. It is safe to share between threads; every client of the
same realm in the process shares one rate limiter. Entities are plain dicts; envelopes are
small frozen dataclasses carrying the server's ``time``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote as url_quote

from acctivate_qbo_plugin.qbo.batch import BatchItem, Chunk, match_results
from acctivate_qbo_plugin.qbo.cdc import CdcWindow
from acctivate_qbo_plugin.qbo.errors import CdcWindowTooOld, QboError
from acctivate_qbo_plugin.qbo.paging import LAST_UPDATED, KeysetPager, row_version
from acctivate_qbo_plugin.qbo.parsing import (
    CdcReply,
    parse_batch,
    parse_cdc,
    parse_count,
    parse_delete,
    parse_entity,
    parse_query_page,
)
from acctivate_qbo_plugin.qbo.query import MAX_PAGE_SIZE, Select, check_entity_name, select
from acctivate_qbo_plugin.qbo.ratelimit import RateLimiter, RateLimits, shared_rate_limiter
from acctivate_qbo_plugin.qbo.request_ids import MAX_REQUEST_ID_LENGTH
from acctivate_qbo_plugin.qbo.results import (
    BatchItemResult,
    CdcResult,
    CountResult,
    DeleteResult,
    Entity,
    EntityResult,
    QueryPage,
    QueryResult,
)
from acctivate_qbo_plugin.qbo.retry import RetryPolicy
from acctivate_qbo_plugin.qbo.timestamps import ONE_SECOND, format_qbo_datetime, require_aware
from acctivate_qbo_plugin.qbo.transport import AccessTokenSource, ApiRequest, Transport
from acctivate_qbo_plugin.qbo.urls import require_safe_url

__all__ = ["NAME_LIST_ENTITIES", "ClientSettings", "QboClient"]

# Name-list entities hide deactivated rows unless asked (deactivation is their "delete").
NAME_LIST_ENTITIES = frozenset(
    {
        "Account",
        "Customer",
        "Vendor",
        "Employee",
        "Item",
        "Term",
        "PaymentMethod",
        "TaxCode",
        "Class",
        "Department",
    }
)
_FROM = re.compile(r"\bFROM\s+([A-Za-z][A-Za-z0-9]*)", re.IGNORECASE)


@dataclass(frozen=True)
class ClientSettings:
    """Knobs of one client; the defaults are right for Intuit's production API.

    :ivar read_timeout: QBO gives up on requests after 120 s; we wait a little longer.
    :ivar cdc_safety_margin: CDC is refused this long before QBO's 30-day limit, so a
        window never straddles the limit while the request travels.
    :ivar long_query_chars: statements longer than this go as a POST body, not in the URL.
    """

    minorversion: int = 75
    connect_timeout: float = 10.0
    read_timeout: float = 130.0
    pool_size: int = 10
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    limits: RateLimits = field(default_factory=RateLimits)
    page_size: int = MAX_PAGE_SIZE
    cdc_max_age: timedelta = timedelta(days=30)
    cdc_safety_margin: timedelta = timedelta(days=1)
    cdc_object_cap: int = 1000
    long_query_chars: int = 4000
    batch_concurrency: int = 4
    """Batch requests sent at once (QBO allows 10 requests in flight per realm)."""

    def __post_init__(self) -> None:
        if self.minorversion < 75:
            raise ValueError(
                f"minorversion {self.minorversion} is retired (QBO answers as 75 anyway); use 75+"
            )
        if self.connect_timeout <= 0 or self.read_timeout <= 0:
            raise ValueError("ClientSettings timeouts must be positive seconds")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"ClientSettings.page_size must be 1..{MAX_PAGE_SIZE}")
        if self.cdc_safety_margin >= self.cdc_max_age:
            raise ValueError("ClientSettings.cdc_safety_margin must be shorter than cdc_max_age")


def _entity_path(entity: str) -> str:
    """URL segments are the lower-cased entity name (``journalentry``)."""
    return check_entity_name(entity).lower()


def _check_request_id(request_id: str | None) -> str | None:
    if request_id is not None and not 0 < len(request_id) <= MAX_REQUEST_ID_LENGTH:
        raise ValueError(
            f"requestid must be 1..{MAX_REQUEST_ID_LENGTH} characters (got {len(request_id)}); "
            f"derive it with acctivate_qbo_plugin.qbo.request_id()"
        )
    return request_id


def _statement_entity(statement: str) -> str | None:
    match = _FROM.search(statement)
    return match.group(1) if match else None


class QboClient:
    """Talks to one QBO company (realm).

    :param base_url: ``https://quickbooks.api.intuit.com`` (or the sandbox); plain http only
        to a loopback host.
    :param tokens: the access-token source, normally a :class:`TokenManager`.
    :param rate_limiter: defaults to the process-wide limiter of this realm.
    :param sleep: how waits happen (tests inject a recorder); also used by the rate limiter.
    :param clock: monotonic seconds, for retry budgets and the rate limiter.
    :param now: the wall clock (aware), for the CDC age check only.
    """

    def __init__(
        self,
        base_url: str,
        realm_id: str,
        tokens: AccessTokenSource,
        *,
        settings: ClientSettings | None = None,
        rate_limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if not isinstance(realm_id, str) or not realm_id.strip():
            raise ValueError("realm_id must be the QBO company id (a non-empty string)")
        self.base_url = require_safe_url(base_url, "base_url")
        self.realm_id = realm_id
        self.settings = settings or ClientSettings()
        self._now = now
        self.rate_limiter = rate_limiter or shared_rate_limiter(
            self.base_url, realm_id, self.settings.limits, clock=clock, sleep=sleep
        )
        self._transport = Transport(
            self.base_url,
            realm_id,
            tokens,
            minorversion=self.settings.minorversion,
            timeout=(self.settings.connect_timeout, self.settings.read_timeout),
            pool_size=self.settings.pool_size,
            retry=self.settings.retry,
            rate_limiter=self.rate_limiter,
            sleep=sleep,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"QboClient(base_url={self.base_url!r}, realm_id={self.realm_id!r})"

    def __enter__(self) -> QboClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._transport.close()

    # -- reads -----------------------------------------------------------------------------

    def read(self, entity: str, entity_id: str) -> EntityResult:
        """``GET /{entity}/{id}``."""
        if not isinstance(entity_id, str) or not entity_id:
            raise ValueError(f"read({entity!r}) needs the QBO Id as a non-empty string")
        path = f"{_entity_path(entity)}/{url_quote(entity_id, safe='')}"
        request = ApiRequest("GET", path, "read")
        return self._transport.send(request, lambda reply: parse_entity(reply, entity))

    def preferences(self) -> EntityResult:
        """The company's Preferences (closing date, inventory settings...)."""
        request = ApiRequest("GET", "preferences", "read")
        return self._transport.send(request, lambda reply: parse_entity(reply, "Preferences"))

    def company_info(self) -> EntityResult:
        """The CompanyInfo entity of this realm."""
        path = f"companyinfo/{url_quote(self.realm_id, safe='')}"
        request = ApiRequest("GET", path, "read")
        return self._transport.send(request, lambda reply: parse_entity(reply, "CompanyInfo"))

    def _query_request(self, statement: str, kind: str) -> ApiRequest:
        if len(statement) > self.settings.long_query_chars:
            return ApiRequest("POST", "query", kind, text_body=statement)
        return ApiRequest("GET", "query", kind, params={"query": statement})

    def query(self, statement: str | Select) -> QueryPage:
        """Run one statement and return its single page (no automatic paging)."""
        text = str(statement)
        entity = statement.entity if isinstance(statement, Select) else _statement_entity(text)
        return self._transport.send(
            self._query_request(text, "query"), lambda reply: parse_query_page(reply, entity)
        )

    def count(self, statement: str | Select) -> CountResult:
        """``SELECT COUNT(*)``; a :class:`Select` is turned into its count form."""
        if isinstance(statement, Select):
            statement = Select(statement.entity, statement.conditions, count_only=True)
        return self._transport.send(self._query_request(str(statement), "count"), parse_count)

    def iter_pages(
        self, base: Select, *, since: datetime | None = None, page_size: int | None = None
    ) -> Iterator[QueryPage]:
        """Yield every page of ``base`` by keyset paging.

        A row comes once; it comes again only if it changed during paging, in its newer
        version (upsert by Id and the later one wins). Use :meth:`query_all` to get each Id
        exactly once.
        """
        if since is not None:
            require_aware(since, "since")
        pager = KeysetPager(
            self.query, base, since=since, page_size=page_size or self.settings.page_size
        )
        return pager.pages()

    def query_all(
        self,
        base: Select,
        *,
        since: datetime | None = None,
        on_page: Callable[[QueryPage], None] | None = None,
        page_size: int | None = None,
    ) -> QueryResult:
        """Every row of ``base``, each Id once in its latest version, ordered by last update.

        ``on_page`` is called after each page arrives (progress reporting, or tests changing
        records between pages). The result's ``time`` is the first page's server time.
        """
        latest: dict[str, Entity] = {}
        anonymous: list[Entity] = []
        first_time: datetime | None = None
        pages = 0
        for page in self.iter_pages(base, since=since, page_size=page_size):
            pages += 1
            if pages == 1:
                first_time = page.time
            for row in page.rows:
                entity_id = row.get("Id")
                if isinstance(entity_id, str):
                    latest[entity_id] = row
                else:
                    anonymous.append(row)
            if on_page is not None:
                on_page(page)
        rows = sorted(latest.values(), key=lambda row: (row_version(row), row.get("Id", "")))
        return QueryResult(base.entity, tuple(rows) + tuple(anonymous), first_time, pages)

    def changed_since(
        self,
        entity: str,
        since: datetime,
        until: datetime | None = None,
        include_inactive: bool = True,
        *,
        on_page: Callable[[QueryPage], None] | None = None,
    ) -> QueryResult:
        """Records of ``entity`` last updated in ``[since, until)``, by paged query.

        The fallback when CDC cannot be used (window older than 30 days). Deactivated
        name-list rows are included unless ``include_inactive`` is False; deletions are not
        visible to queries.
        """
        require_aware(since, "since")
        base = select(entity)
        if include_inactive and entity in NAME_LIST_ENTITIES:
            base = base.include_inactive()
        if until is not None:
            require_aware(until, "until")
            if until <= since:
                raise ValueError(f"until ({until.isoformat()}) must be after since")
            # LastUpdatedTime has second precision: round up so the last second is included.
            bound = until.replace(microsecond=0)
            if bound < until:
                bound += ONE_SECOND
            base = base.where(LAST_UPDATED, "<", bound)
        return self.query_all(base, since=since, on_page=on_page)

    # -- change data capture ---------------------------------------------------------------

    def cdc(self, entities: Sequence[str], changed_since: datetime) -> CdcResult:
        """Every change of ``entities`` since ``changed_since``, split under the 1000 cap.

        Raises :class:`CdcWindowTooOld` without calling QBO when ``changed_since`` is older
        than 30 days minus the safety margin; use :meth:`changed_since` then.
        """
        require_aware(changed_since, "changed_since")
        names = list(dict.fromkeys(entities))
        if not names:
            raise ValueError("cdc() needs at least one entity name")
        for name in names:
            _entity_path(name)
        oldest_allowed = self._now() - (self.settings.cdc_max_age - self.settings.cdc_safety_margin)
        if changed_since < oldest_allowed:
            raise CdcWindowTooOld(
                f"CDC since {changed_since.isoformat()} is older than QBO's "
                f"{self.settings.cdc_max_age.days}-day limit (minus a safety margin); page with "
                f"changed_since() instead",
            )
        window = CdcWindow(self._cdc_call, self._query_window, cap=self.settings.cdc_object_cap)
        return window.collect(names, changed_since)

    def _cdc_call(self, entities: Sequence[str], since: datetime) -> CdcReply:
        params = {"entities": ",".join(entities), "changedSince": format_qbo_datetime(since)}
        request = ApiRequest("GET", "cdc", "cdc", params=params)
        try:
            return self._transport.send(request, lambda reply: parse_cdc(reply, entities))
        except QboError as error:
            if "older than" in f"{error.message} {error.detail}".lower():
                raise CdcWindowTooOld(
                    f"QBO refused CDC since {since.isoformat()}: {error.message}",
                    status=error.status,
                    code=error.code,
                    detail=error.detail,
                    intuit_tid=error.intuit_tid,
                    time=error.time,
                ) from error
            raise

    def _query_window(self, entity: str, start: datetime, end: datetime) -> tuple[Entity, ...]:
        return self.changed_since(entity, start, end).rows

    # -- writes ----------------------------------------------------------------------------

    def _write(
        self,
        entity: str,
        body: dict[str, Any],
        kind: str,
        request_id: str | None,
        operation: str | None = None,
    ) -> ApiRequest:
        if not isinstance(body, dict):
            raise TypeError(f"{entity} {kind} body must be a dict, got {type(body).__name__}")
        return ApiRequest(
            "POST",
            _entity_path(entity),
            kind,
            params={"operation": operation} if operation else {},
            json_body=body,
            request_id=_check_request_id(request_id),
            write=True,
        )

    def create(self, entity: str, body: dict[str, Any], *, request_id: str | None) -> EntityResult:
        """Create ``entity``. Without a ``request_id`` the write is never retried."""
        request = self._write(entity, body, "create", request_id)
        return self._transport.send(request, lambda reply: parse_entity(reply, entity))

    def update(self, entity: str, body: dict[str, Any], *, request_id: str | None) -> EntityResult:
        """Full update: ``body`` holds Id, SyncToken and every writable field (others clear)."""
        item = BatchItem.update(entity, body, request_id=request_id)  # validates Id/SyncToken
        request = self._write(entity, item.body or {}, "update", request_id)
        return self._transport.send(request, lambda reply: parse_entity(reply, entity))

    def sparse_update(
        self,
        entity: str,
        entity_id: str,
        sync_token: str,
        fields: dict[str, Any],
        *,
        request_id: str | None,
    ) -> EntityResult:
        """Change only ``fields``; a stale ``sync_token`` raises :class:`StaleObject`."""
        item = BatchItem.sparse_update(entity, entity_id, sync_token, fields, request_id=request_id)
        request = self._write(entity, item.body or {}, "update", request_id)
        return self._transport.send(request, lambda reply: parse_entity(reply, entity))

    def delete(
        self, entity: str, entity_id: str, sync_token: str, *, request_id: str | None
    ) -> DeleteResult:
        """Delete a transaction (name-list entities are deactivated with an update instead)."""
        item = BatchItem.delete(entity, entity_id, sync_token, request_id=request_id)
        request = self._write(entity, item.body or {}, "delete", request_id, "delete")
        return self._transport.send(request, lambda reply: parse_delete(reply, entity))

    def void(
        self, entity: str, entity_id: str, sync_token: str, *, request_id: str | None
    ) -> EntityResult:
        """Void an Invoice, Payment, SalesReceipt or BillPayment; returns the voided entity."""
        item = BatchItem.void(entity, entity_id, sync_token, request_id=request_id)
        request = self._write(entity, item.body or {}, "void", request_id, "void")
        return self._transport.send(request, lambda reply: parse_entity(reply, entity))

    def batch(
        self, items: Sequence[BatchItem], *, concurrency: int | None = None
    ) -> list[BatchItemResult]:
        """Run any number of items, 30 per request, several requests at once; results in the
        order of ``items`` (see :mod:`acctivate_qbo_plugin.qbo.batch_runner`).

        Each result holds the entity (or query page, or deletion) or a typed error: QBO's
        fault for that item, or the failure of the request that carried it (a
        :class:`TransientError` whose ``outcome_unknown`` says QBO may have done it anyway).
        Only an error that stops the sync (reconnect needed) is raised.
        """
        from acctivate_qbo_plugin.qbo.batch_runner import run_batch

        return run_batch(self, items, concurrency=concurrency or self.settings.batch_concurrency)

    def send_chunk(self, chunk: Chunk) -> list[BatchItemResult]:
        """One batch request of at most 30 items (raises if the request itself fails)."""
        request = ApiRequest(
            "POST",
            "batch",
            "batch",
            json_body=chunk.body(),
            request_id=chunk.request_id,
            write=chunk.has_writes,
        )
        replies, time = self._transport.send(request, parse_batch)
        return match_results(chunk, replies, time)
