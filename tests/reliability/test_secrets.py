"""Secrets never leak; the checks around them really look."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.local_setup import connect_local_sandbox
from tests import secret_check


def test_the_suite_wide_leak_check_sees_the_plugins_output_and_would_catch_a_leak(
    host: FakeHost,
) -> None:
    # The keeper holds the plugin's DEBUG lines (one per QBO request)...
    assert any("/v3/company/" in line for line in secret_check.KEEPER.lines)
    # ...and the matcher finds a secret inside any of it.
    token = host.sandbox.issued_secrets()[0]
    assert secret_check.leaked([token, "absent"], f"x {token} y") == [token]
    assert token in host.sandbox.issued_secrets()


def test_a_sync_with_refreshes_and_failures_never_shows_a_token(
    connected_host_factory, caplog
) -> None:
    host: FakeHost = connected_host_factory()
    host.sync_now()
    host.sandbox.expire_access_tokens()
    host.sync_now()  # a refresh
    host.sandbox.revoke_refresh_tokens()
    host.sandbox.expire_access_tokens()
    host.sync_now()  # invalid_grant
    stored = json.loads((host.data_dir / "qbo_tokens.json").read_text())
    assert stored  # the tokens are in the store (mode 0600)...
    secrets = [*host.sandbox.issued_secrets(), "test-client-secret", "local-sandbox-secret"]
    visible = caplog.text + "\n".join(
        e.message + (e.fix_hint or "") for e in host.runtime.store.log_entries(limit=None)
    )
    visible += "\n".join(str(r) for r in host.run_results())
    assert secret_check.leaked(secrets, visible) == []  # ...and nowhere else
    assert oct((host.data_dir / "qbo_tokens.json").stat().st_mode & 0o777) == "0o600"


def test_a_world_readable_token_store_is_refused_with_a_clear_error(
    connected_host_factory,
) -> None:
    host: FakeHost = connected_host_factory(start=False)
    (host.data_dir / "qbo_tokens.json").chmod(0o644)
    host.start()
    result = host.sync_now()
    assert result.outcome == "error"
    message = result.sections["accounts"].messages[0]
    assert "qbo_tokens.json" in message and ("0600" in message or "readable" in message)


def test_plain_http_to_a_real_host_is_refused(connected_host_factory) -> None:
    host: FakeHost = connected_host_factory(start=False)
    config = host.data_dir / "acctivate_qbo.toml"
    text = config.read_text()
    config.write_text(text.replace(host.sandbox.base_url, "http://quickbooks.example.com"))
    host.start()
    result = host.sync_now()
    assert result.outcome == "error"
    assert "https" in result.sections["accounts"].messages[0]


def test_the_command_line_never_prints_a_token(tmp_path: Path, qbo_sandbox) -> None:
    connect_local_sandbox(tmp_path, qbo_sandbox, {"database": {"url": "host.db"}})
    qbo_sandbox.expire_access_tokens()  # the CLI's sync must refresh
    env = {k: v for k, v in os.environ.items() if k != "ACCTIVATE_QBO_CONFIG"}
    done = subprocess.run(
        [sys.executable, "-m", "acctivate_qbo_plugin", "-v", "sync"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refreshing the access token" in done.stderr  # -v shows what happened...
    secrets = [*qbo_sandbox.issued_secrets(), "local-sandbox-secret"]
    assert secret_check.leaked(secrets, done.stdout + done.stderr) == []  # ...never a secret
