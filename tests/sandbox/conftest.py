"""Fixtures for the sandbox's own tests (real HTTP over loopback sockets)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sandbox_http import QboHttp

from acctivate_qbo_plugin.sandbox import SandboxServer
from acctivate_qbo_plugin.sandbox.fixtures import qbo_sandbox, qbo_sandbox_factory  # noqa: F401

NO_LIMITS = {"requests_per_minute": None, "requests_per_second": None, "batch_per_minute": None}


@pytest.fixture
def sandbox(qbo_sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:  # noqa: F811
    """A running sandbox without rate limits (tests of limits use the factory directly)."""
    return qbo_sandbox_factory(**NO_LIMITS)


@pytest.fixture
def api(sandbox: SandboxServer) -> Iterator[QboHttp]:
    client = QboHttp(sandbox)
    yield client
    client.close()
