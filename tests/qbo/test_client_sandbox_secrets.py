"""No token, secret or code ever reaches a log line, an error message or a repr."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from acctivate_qbo_plugin.qbo import QboError, ReconnectNeeded, SecretRedactingFilter


def stored_secrets(path: Path) -> set[str]:
    data = json.loads(path.read_text())
    found = set()
    for entry in data["realms"].values():
        found.update(v for k, v in entry.items() if k in ("access_token", "refresh_token") and v)
    return found


def test_no_token_in_logs_across_an_auth_heavy_run(
    qbo_sandbox: Any, make_client: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, requests' and urllib3's
    path = tmp_path / "tokens.json"
    client = make_client(qbo_sandbox)
    secrets = stored_secrets(path) | {"test-client-secret-value"}
    messages = [repr(client), repr(client._transport.tokens)]

    client.company_info()
    for _ in range(2):  # two 401s, two refreshes, two rotations
        qbo_sandbox.expire_access_tokens()
        client.company_info()
        secrets |= stored_secrets(path)
    client.create("Customer", {"DisplayName": "Secrets Co"}, request_id="secret-test-1")
    qbo_sandbox.revoke_refresh_tokens()
    qbo_sandbox.expire_access_tokens()
    with pytest.raises(ReconnectNeeded) as caught:
        client.company_info()
    messages += [str(caught.value), repr(caught.value), caught.value.detail]
    assert qbo_sandbox.count_requests("token") == 3

    assert len(secrets) >= 7
    assert "-> 401" in caplog.text and "refreshing" in caplog.text  # the run was logged
    haystack = caplog.text + "\n".join(messages)
    leaked = [secret for secret in secrets if secret in haystack]
    assert leaked == []


def test_filter_redacts_registered_values_in_any_handler(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from acctivate_qbo_plugin.qbo import register_secret

    register_secret("host-side-secret-value-42")
    other = logging.getLogger("host.app")
    handler_filter = SecretRedactingFilter()
    caplog.handler.addFilter(handler_filter)
    try:
        with caplog.at_level(logging.INFO, logger="host.app"):
            other.info("calling with %s", "host-side-secret-value-42")
            try:
                raise QboError("boom host-side-secret-value-42")
            except QboError:
                other.exception("failed")
    finally:
        caplog.handler.removeFilter(handler_filter)
    assert "host-side-secret-value-42" not in caplog.text
    assert "[redacted]" in caplog.text
