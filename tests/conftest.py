"""Project-wide fixtures. Most come from the package's own pytest plugin
(``acctivate_qbo_plugin.testing``), loaded through its ``pytest11`` entry point."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from acctivate_qbo_plugin.fake_host import FakeHost
from tests import secret_check


@pytest.fixture
def host(connected_host_factory: Callable[..., FakeHost]) -> FakeHost:
    """A host connected to a fresh local QBO sandbox, already through its first sync."""
    connected = connected_host_factory()
    result = connected.sync_now()
    assert result.outcome == "success", result.messages
    return connected


# -- no secret in the suite's output (see tests/secret_check.py) ------------------------------


def pytest_configure(config: pytest.Config) -> None:
    secret_check.start()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    secret_check.record_report(report)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    leaked, checked, size = secret_check.finish()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if leaked:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        message = (
            f"SECRET LEAK: {len(leaked)} secret(s) the tests used appear in the suite's output "
            f"(first starts {leaked[0][:6]}...)"
        )
    else:
        message = f"secret check: none of {checked} secrets appear in {size:,} characters of output"
    if reporter is not None:
        reporter.write_line(message, red=bool(leaked))
