"""A local QuickBooks Online sandbox: the QBO v3 accounting API and Intuit OAuth on loopback.

    from acctivate_qbo_plugin.sandbox import SandboxServer, SandboxSettings

    with SandboxServer(SandboxSettings(port=0)) as sandbox:
        tokens = sandbox.issue_tokens()
        # GET f"{sandbox.base_url}/v3/company/{sandbox.realm_id}/customer/1"
        # with "Authorization: Bearer <access_token>"

It follows ``QBO.md`` and the recorded fixtures: query language, CDC, batch, writes with
SyncToken and ``requestid`` replay, business rules with QBO's error codes, refresh-token
rotation, throttling, and fault injection for tests.
"""

from __future__ import annotations

from acctivate_qbo_plugin.sandbox.clock import SandboxClock
from acctivate_qbo_plugin.sandbox.faults import FaultInjector
from acctivate_qbo_plugin.sandbox.request_log import RequestRecord
from acctivate_qbo_plugin.sandbox.server import SandboxServer
from acctivate_qbo_plugin.sandbox.settings import DEFAULT_REALM_ID, SandboxSettings

__all__ = [
    "DEFAULT_REALM_ID",
    "FaultInjector",
    "RequestRecord",
    "SandboxClock",
    "SandboxServer",
    "SandboxSettings",
]
