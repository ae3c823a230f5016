"""No secret in the suite's output.

Every log line of the plugin (at DEBUG, exceptions included) and every test's captured output
is kept; when the session ends, each token and authorization code any sandbox issued, and
each client secret the tests used, is looked for in it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

KNOWN_CLIENT_SECRETS = ("local-sandbox-secret", "test-client-secret")


class OutputKeeper(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)


KEEPER = OutputKeeper()


def start() -> None:
    logger = logging.getLogger("acctivate_qbo_plugin")
    logger.addHandler(KEEPER)
    logger.setLevel(logging.DEBUG)


def record_report(report: Any) -> None:
    for _name, content in report.sections:
        KEEPER.lines.append(content)
    if report.longrepr is not None:
        KEEPER.lines.append(str(report.longrepr))


def leaked(secrets: Iterable[str], output: str) -> list[str]:
    return sorted(s for s in set(secrets) if s and s in output)


def finish() -> tuple[list[str], int, int]:
    """(leaked secrets, how many were checked, characters of output searched)."""
    from acctivate_qbo_plugin.sandbox.fixtures import STARTED

    secrets = set(KNOWN_CLIENT_SECRETS)
    for sandbox in STARTED:
        secrets.update(sandbox.issued_secrets())
    output = "\n".join(KEEPER.lines)
    return leaked(secrets, output), len(secrets), len(output)
