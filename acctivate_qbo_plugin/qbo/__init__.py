"""The QBO client: typed errors, paging, CDC, batch, OAuth tokens, rate limits.

Typical use::

    from acctivate_qbo_plugin.qbo import open_client, select, request_id

    with open_client("tokens.json", realm_id, base_url=SANDBOX_BASE_URL) as qbo:
        page = qbo.query(select("Customer").where("DisplayName", "=", name))
        changes = qbo.cdc(["Customer", "Item"], changed_since=watermark)
        created = qbo.create("Invoice", body,
                             request_id=request_id(realm_id, "invoices", key, "create"))
"""

from __future__ import annotations

from acctivate_qbo_plugin.qbo.auth import (
    CLIENT_SECRET_ENV,
    INTUIT_AUTHORIZE_URL,
    INTUIT_TOKEN_URL,
    QBO_SCOPE,
    ClientCredentials,
    OAuthClient,
    authorization_url,
    exchange_authorization_code,
    new_state,
    resolve_client_credentials,
)
from acctivate_qbo_plugin.qbo.batch import MAX_BATCH_ITEMS, BatchItem
from acctivate_qbo_plugin.qbo.client import NAME_LIST_ENTITIES, ClientSettings, QboClient
from acctivate_qbo_plugin.qbo.errors import (
    AuthError,
    CdcWindowTooOld,
    ClosedPeriod,
    DuplicateDocNumber,
    DuplicateName,
    FaultDetail,
    InvalidQuery,
    InvalidReference,
    JournalOutOfBalance,
    MalformedResponse,
    QboError,
    ReconnectNeeded,
    RecordError,
    StaleObject,
    Throttled,
    TransientError,
    UnexpectedFault,
    ValidationError,
)
from acctivate_qbo_plugin.qbo.factory import open_client
from acctivate_qbo_plugin.qbo.faults import HttpReply
from acctivate_qbo_plugin.qbo.query import Select, count, quote, select
from acctivate_qbo_plugin.qbo.ratelimit import RateLimiter, RateLimits, shared_rate_limiter
from acctivate_qbo_plugin.qbo.redaction import SecretRedactingFilter, redact, register_secret
from acctivate_qbo_plugin.qbo.request_ids import batch_request_id, request_id
from acctivate_qbo_plugin.qbo.results import (
    BatchItemResult,
    CdcResult,
    CountResult,
    DeletedStub,
    DeleteResult,
    EntityResult,
    QueryPage,
    QueryResult,
)
from acctivate_qbo_plugin.qbo.retry import RetryPolicy
from acctivate_qbo_plugin.qbo.token_pair import TokenPair
from acctivate_qbo_plugin.qbo.token_store import InsecureTokenStore, TokenStore, TokenStoreError
from acctivate_qbo_plugin.qbo.tokens import TokenManager
from acctivate_qbo_plugin.qbo.urls import (
    PRODUCTION_BASE_URL,
    SANDBOX_BASE_URL,
    InsecureUrlError,
    require_safe_url,
)

__all__ = [
    "CLIENT_SECRET_ENV",
    "INTUIT_AUTHORIZE_URL",
    "INTUIT_TOKEN_URL",
    "MAX_BATCH_ITEMS",
    "NAME_LIST_ENTITIES",
    "PRODUCTION_BASE_URL",
    "QBO_SCOPE",
    "SANDBOX_BASE_URL",
    "AuthError",
    "BatchItem",
    "BatchItemResult",
    "CdcResult",
    "CdcWindowTooOld",
    "ClientCredentials",
    "ClientSettings",
    "ClosedPeriod",
    "CountResult",
    "DeleteResult",
    "DeletedStub",
    "DuplicateDocNumber",
    "DuplicateName",
    "EntityResult",
    "FaultDetail",
    "HttpReply",
    "InsecureTokenStore",
    "InsecureUrlError",
    "InvalidQuery",
    "InvalidReference",
    "JournalOutOfBalance",
    "MalformedResponse",
    "OAuthClient",
    "QboClient",
    "QboError",
    "QueryPage",
    "QueryResult",
    "RateLimiter",
    "RateLimits",
    "ReconnectNeeded",
    "RecordError",
    "RetryPolicy",
    "SecretRedactingFilter",
    "Select",
    "StaleObject",
    "Throttled",
    "TokenManager",
    "TokenPair",
    "TokenStore",
    "TokenStoreError",
    "TransientError",
    "UnexpectedFault",
    "ValidationError",
    "authorization_url",
    "batch_request_id",
    "count",
    "exchange_authorization_code",
    "new_state",
    "open_client",
    "quote",
    "redact",
    "register_secret",
    "request_id",
    "require_safe_url",
    "resolve_client_credentials",
    "select",
    "shared_rate_limiter",
]
