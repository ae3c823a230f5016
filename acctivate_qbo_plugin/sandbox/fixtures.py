"""pytest fixtures for a running QBO sandbox.

Import them into a ``conftest.py`` (the project's pytest plugin re-exports them)::

    from acctivate_qbo_plugin.sandbox.fixtures import qbo_sandbox, qbo_sandbox_factory  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from acctivate_qbo_plugin.sandbox.server import SandboxServer
from acctivate_qbo_plugin.sandbox.settings import SandboxSettings

__all__ = ["STARTED", "qbo_sandbox", "qbo_sandbox_factory"]

STARTED: list[SandboxServer] = []
"""Every sandbox these fixtures started in this process (a suite may check no secret leaked)."""


@pytest.fixture
def qbo_sandbox() -> Iterator[SandboxServer]:
    """A started sandbox with default settings on a free port, stopped after the test."""
    with SandboxServer(SandboxSettings()) as sandbox:
        STARTED.append(sandbox)
        yield sandbox
        _forget(sandbox)


@pytest.fixture
def qbo_sandbox_factory() -> Iterator[Callable[..., SandboxServer]]:
    """Call with SandboxSettings overrides, e.g. ``qbo_sandbox_factory(refresh_grace=0)``;
    every sandbox it starts is stopped after the test."""
    started: list[SandboxServer] = []

    def start(**overrides: Any) -> SandboxServer:
        settings = SandboxSettings().with_overrides(**overrides)
        sandbox = SandboxServer(settings).start()
        started.append(sandbox)
        STARTED.append(sandbox)
        return sandbox

    yield start
    for sandbox in reversed(started):
        _forget(sandbox)
        sandbox.stop()


def _forget(sandbox: SandboxServer) -> None:
    """The next test may get this port: its clients must not inherit this server's limits."""
    from acctivate_qbo_plugin.qbo.ratelimit import forget_shared_rate_limiters

    try:
        base_url = sandbox.base_url
    except RuntimeError:
        return  # the test stopped it itself: its address is gone, and so is the concern
    forget_shared_rate_limiters(base_url)
