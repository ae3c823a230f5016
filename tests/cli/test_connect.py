"""``acctivate-qbo connect`` end to end: the CLI as a separate process, the local sandbox's
authorize and token endpoints over real sockets, and ``requests`` playing the browser."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
import webbrowser
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests

from acctivate_qbo_plugin.cli import connect_cmd
from acctivate_qbo_plugin.config_template import render_default_config
from acctivate_qbo_plugin.connect import AUTHORIZE_PATH, DEFAULT_REDIRECT_PORT, TOKEN_PATH
from acctivate_qbo_plugin.qbo import CLIENT_SECRET_ENV, TokenPair, TokenStore
from acctivate_qbo_plugin.sandbox import SandboxServer
from acctivate_qbo_plugin.sandbox import routing as sandbox_routing
from tests.cli.process import LineReader, acctivate_qbo, run_cli, start_acctivate_qbo

CLIENT_ID = "test-app-client-id"
SECRET = "test-client-secret"
ADMIN_COMMENT = "# Acme ERP, company 1 — keep this note"
CONNECT_KEYS = re.compile(r"^# (environment|realm_id|client_id|base_url|token_url) = ")


@pytest.fixture
def sandbox(qbo_sandbox_factory: Callable[..., SandboxServer]) -> SandboxServer:
    return qbo_sandbox_factory(client_id=CLIENT_ID, client_secret=SECRET)


@pytest.fixture
def company_dir(tmp_path: Path) -> Path:
    """A data directory with the default config file, plus the administrator's own edits."""
    text = render_default_config().replace(
        "[sync]\n", f"{ADMIN_COMMENT}\n[sync]\ninterval_minutes = 30  # busy shop\n", 1
    )
    (tmp_path / "acctivate_qbo.toml").write_text(text, encoding="utf-8")
    return tmp_path


class Connect:
    """A running ``acctivate-qbo connect`` and what it printed."""

    def __init__(self, directory: Path, sandbox: SandboxServer, *extra: str, stdin: str) -> None:
        self.process = start_acctivate_qbo(
            "connect", "--environment", "local", "--base-url", sandbox.base_url,
            "--client-id", CLIENT_ID, "--no-browser", "--redirect-port", "0", *extra,
            cwd=directory,
        )  # fmt: skip
        assert self.process.stdin is not None
        self.process.stdin.write(stdin)
        self.process.stdin.flush()
        self.reader = LineReader(self.process)
        self.authorize_url = self.reader.wait_for(AUTHORIZE_PATH + "?").strip()
        self.params = {k: v[0] for k, v in parse_qs(urlsplit(self.authorize_url).query).items()}

    def approve(self) -> str:
        """Play the browser: open the address, let the sandbox approve; return where it sent
        the browser (the redirect with the code)."""
        answer = requests.get(self.authorize_url, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def finish(self) -> tuple[int, str, str]:
        out = self.reader.rest()
        assert self.process.stderr is not None
        err = self.process.stderr.read()
        return self.process.wait(timeout=30), out, err


def _subsequence(needles: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(line == needle for line in it) for needle in needles)


def test_connect_end_to_end_against_the_local_sandbox(
    company_dir: Path, sandbox: SandboxServer
) -> None:
    config = company_dir / "acctivate_qbo.toml"
    before = config.read_text(encoding="utf-8").splitlines()
    run = Connect(company_dir, sandbox, "--client-secret-stdin", stdin=SECRET + "\n")
    assert run.params["redirect_uri"].startswith("http://localhost:")
    assert run.params["scope"] == "com.intuit.quickbooks.accounting"

    redirect = run.approve()
    page = requests.get(redirect, timeout=10)  # the browser arrives at the loopback listener
    code, out, err = run.finish()

    assert page.status_code == 200 and "close this window" in page.text
    assert code == 0, out + err
    company = sandbox.entities("CompanyInfo")[0]["CompanyName"]
    assert f"✓ Connected to {company} (company {sandbox.realm_id}, local)." in out
    assert "refresh token expires" in out and "authorization ends" in out
    # The tokens and the app's credentials are in the token store, readable by us alone.
    store_path = company_dir / "qbo_tokens.json"
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600
    store = TokenStore(store_path)
    pair = store.load_pair(sandbox.realm_id)
    assert pair is not None and store.client_credentials() == (CLIENT_ID, SECRET)
    # The config names the company, and everything the administrator wrote is still there.
    after = config.read_text(encoding="utf-8")
    for line in (
        'environment = "local"',
        f'realm_id = "{sandbox.realm_id}"',
        f'client_id = "{CLIENT_ID}"',
        f'base_url = "{sandbox.base_url}"',
        f'token_url = "{sandbox.token_url}"',
        "interval_minutes = 30  # busy shop",
        ADMIN_COMMENT,
    ):
        assert line in after.splitlines()
    assert _subsequence([x for x in before if not CONNECT_KEYS.match(x)], after.splitlines())
    # No secret anywhere a person or a log could see it.
    auth_code = parse_qs(urlsplit(redirect).query)["code"][0]
    for secret in (SECRET, auth_code, pair.access_token, pair.refresh_token):
        assert secret not in out + err + after

    status = acctivate_qbo("connect", "--status", cwd=company_dir)
    assert status.returncode == 0, status.stderr
    assert "✓ connected" in status.stdout and sandbox.realm_id in status.stdout


class Browser:
    """Stands in for the user's browser, which `webbrowser.open` would launch: it opens the
    authorize address over real HTTP and does what the user does there."""

    def __init__(self, user: str = "approves") -> None:
        self.user = user
        self.page = ""

    def __call__(self, url: str) -> bool:
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        if self.user == "approves":
            landed = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
        elif self.user == "forges":  # an answer that did not come from this attempt
            parts = urlsplit(
                requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
            )
            query = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"state": "forged-123"}
            landed = urlunsplit(parts._replace(query=urlencode(query)))
        elif self.user == "declines":  # Intuit sends the browser back with access_denied
            landed = f"{params['redirect_uri']}?error=access_denied&state={params['state']}"
        else:  # walks away
            return True
        self.page = requests.get(landed, timeout=10).text
        return True


def _connect(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    directory: Path,
    sandbox: SandboxServer,
    browser: Browser,
    *extra: str,
    secret: str | None = SECRET,
) -> tuple[int, str, str]:
    """`acctivate-qbo connect` in this process, the browser opened through `webbrowser.open`."""
    monkeypatch.setattr(webbrowser, "open", browser)
    given = ("--client-secret-stdin",) if secret is not None else ()
    return run_cli(
        monkeypatch, capsys, "connect", "--environment", "local", "--base-url", sandbox.base_url,
        "--client-id", CLIENT_ID, "--redirect-port", "0", *given, *extra,
        cwd=directory, stdin=f"{secret}\n" if secret is not None else "",
    )  # fmt: skip


def test_a_reconnect_reuses_the_stored_secret(
    company_dir: Path,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _connect(monkeypatch, capsys, company_dir, sandbox, Browser())[0] == 0

    code, out, err = _connect(monkeypatch, capsys, company_dir, sandbox, Browser(), secret=None)

    assert code == 0, out + err
    assert "✓ Connected to" in out


@pytest.fixture
def untouched(company_dir: Path) -> Callable[[], None]:
    """Checks that nothing was stored: no token store, the config file as it was."""
    config = (company_dir / "acctivate_qbo.toml").read_bytes()

    def check() -> None:
        assert not (company_dir / "qbo_tokens.json").exists()
        assert (company_dir / "acctivate_qbo.toml").read_bytes() == config

    return check


def test_a_state_mismatch_stores_nothing(
    company_dir: Path,
    sandbox: SandboxServer,
    untouched: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = _connect(monkeypatch, capsys, company_dir, sandbox, Browser("forges"))

    assert code == 1
    assert "state does not match" in err and "nothing was stored" in err
    untouched()


def test_declined_access_stores_nothing(
    company_dir: Path,
    sandbox: SandboxServer,
    untouched: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    browser = Browser("declines")

    code, _, err = _connect(monkeypatch, capsys, company_dir, sandbox, browser)

    assert "did not grant access" in browser.page
    assert code == 1
    assert "access was declined in QuickBooks (access_denied); nothing was stored" in err
    untouched()


def test_no_answer_from_the_browser_times_out_clearly(
    company_dir: Path,
    sandbox: SandboxServer,
    untouched: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    browser = Browser("walks away")

    code, _, err = _connect(monkeypatch, capsys, company_dir, sandbox, browser, "--timeout", "0.2")

    assert code == 1
    assert "no answer from the browser within 0.2 seconds; nothing was stored" in err
    assert "--timeout" in err
    untouched()


def test_a_wrong_client_secret_is_refused_and_nothing_is_stored(
    company_dir: Path,
    sandbox: SandboxServer,
    untouched: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _connect(
        monkeypatch, capsys, company_dir, sandbox, Browser(), secret="not-the-secret-123"
    )

    assert code == 1
    assert "invalid_client" in err and "Nothing was stored" in err
    assert "Keys & credentials" in err
    assert "not-the-secret-123" not in out + err
    untouched()


def test_the_pasted_address_flow_for_a_browser_on_another_machine(
    company_dir: Path, sandbox: SandboxServer
) -> None:
    run = Connect(
        company_dir, sandbox, "--client-secret-stdin", "--paste",
        "--redirect-uri", "http://localhost:9/callback", stdin=SECRET + "\n",
    )  # fmt: skip
    landed = run.approve()  # the browser cannot reach this machine: the user copies this
    run.reader.wait_for("Paste the address here")
    assert run.process.stdin is not None
    run.process.stdin.write(landed + "\n")
    run.process.stdin.flush()

    code, out, err = run.finish()

    assert code == 0, out + err
    assert "✓ Connected to" in out
    assert TokenStore(company_dir / "qbo_tokens.json").load_pair(sandbox.realm_id) is not None


def test_another_company_is_refused(
    company_dir: Path,
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = company_dir / "acctivate_qbo.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('# realm_id = ""', 'realm_id = "1234"'),
        encoding="utf-8",
    )
    written = config.read_bytes()

    code, _, err = _connect(monkeypatch, capsys, company_dir, sandbox, Browser())

    assert code == 1
    assert "is connected to company 1234" in err and "nothing was stored" in err
    assert "acctivate-qbo install --config" in err
    assert not (company_dir / "qbo_tokens.json").exists() and config.read_bytes() == written


def test_a_sandbox_company_is_connected_with_intuits_endpoints_by_default(
    company_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)

    code, _, err = run_cli(
        monkeypatch, capsys, "connect", "--client-id", CLIENT_ID, "--client-secret-stdin",
        "--redirect-port", "0", "--timeout", "0.1", cwd=company_dir, stdin=SECRET + "\n",
    )  # fmt: skip

    # Nobody approves at Intuit here; what matters is where the browser was sent.
    assert code == 1 and "no answer from the browser" in err
    (url,) = opened
    assert url.startswith("https://appcenter.intuit.com/connect/oauth2?client_id=" + CLIENT_ID)
    assert "redirect_uri=http%3A%2F%2Flocalhost%3A" in url


def test_the_secret_is_never_taken_from_the_command_line(
    company_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for given in (("--client-secret", SECRET), (f"--client-secret={SECRET}",)):
        code, out, err = run_cli(
            monkeypatch, capsys, "connect", "--client-id", CLIENT_ID, *given, cwd=company_dir
        )
        assert code == 2
        assert "never taken from the command line" in err
        assert SECRET not in out + err  # not even echoed back

    code, _, err = run_cli(
        monkeypatch, capsys, "connect", "--client-id", CLIENT_ID, cwd=company_dir
    )
    assert code == 2
    assert f"--client-secret-stdin, or set {CLIENT_SECRET_ENV}" in err


# -- connect --status: offline, from the token store ------------------------------------------


def _connected_config(directory: Path, realm: str = "4620816365179212210") -> None:
    (directory / "acctivate_qbo.toml").write_text(
        f'[qbo]\nenvironment = "sandbox"\nrealm_id = "{realm}"\nclient_id = "{CLIENT_ID}"\n'
    )


def _store_pair(directory: Path, *, age: timedelta, lasts: timedelta, hard: timedelta) -> Path:
    now = datetime.now(UTC)
    path = directory / "qbo_tokens.json"
    TokenStore(path).save_pair(
        "4620816365179212210",
        TokenPair(
            access_token="access-token-for-status-test",
            refresh_token="refresh-token-for-status-test",
            access_expires_at=now - age + timedelta(hours=1),
            refresh_issued_at=now - age,
            refresh_expires_at=now + lasts,
            refresh_hard_expires_at=now + hard,
        ),
    )
    return path


def test_status_warns_before_the_refresh_token_and_the_authorization_run_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _connected_config(tmp_path)
    store = _store_pair(tmp_path, age=timedelta(days=92), lasts=timedelta(days=8),
                        hard=timedelta(days=30))  # fmt: skip
    stored = store.read_bytes()

    code, shown, _ = run_cli(monkeypatch, capsys, "connect", "--status", cwd=tmp_path)
    _, as_json, _ = run_cli(monkeypatch, capsys, "connect", "--status", "--json", cwd=tmp_path)

    assert code == 0
    assert "⚠ connected, act soon" in shown
    assert "(92 days old)" in shown
    assert "the refresh token runs out on" in shown and "any sync" in shown
    assert "QuickBooks ends this authorization on" in shown
    report = json.loads(as_json)
    assert report["state"] == "warning" and len(report["problems"]) == 2
    assert report["realm_id"] == "4620816365179212210"
    assert 91.9 < report["refresh_token_age_days"] < 92.1
    assert store.read_bytes() == stored  # never refreshed (and no QuickBooks was running)
    assert "refresh-token-for-status-test" not in shown + as_json


def test_status_of_a_healthy_connection_has_no_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _connected_config(tmp_path)
    _store_pair(
        tmp_path, age=timedelta(days=1), lasts=timedelta(days=99), hard=timedelta(days=1800)
    )

    code, out, _ = run_cli(monkeypatch, capsys, "connect", "--status", cwd=tmp_path)

    assert code == 0 and "✓ connected" in out
    assert "⚠" not in out and "✗" not in out


def test_status_of_an_expired_or_refused_connection_exits_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _connected_config(tmp_path)
    _store_pair(
        tmp_path, age=timedelta(days=101), lasts=timedelta(days=-1), hard=timedelta(days=999)
    )
    code, out, _ = run_cli(monkeypatch, capsys, "connect", "--status", cwd=tmp_path)
    assert code == 1
    assert "✗ expired" in out and "ran out" in out

    store = _store_pair(tmp_path, age=timedelta(days=1), lasts=timedelta(days=99),
                        hard=timedelta(days=999))  # fmt: skip
    pair = TokenStore(store).load_pair("4620816365179212210")
    assert pair is not None
    TokenStore(store).mark_dead("4620816365179212210", pair.refresh_fingerprint)
    code, out, _ = run_cli(monkeypatch, capsys, "connect", "--status", cwd=tmp_path)
    assert code == 1 and "invalid_grant" in out

    _store_pair(tmp_path, age=timedelta(days=1), lasts=timedelta(days=99), hard=timedelta(days=-2))
    code, out, _ = run_cli(monkeypatch, capsys, "connect", "--status", cwd=tmp_path)
    assert code == 1 and "5 years after it was granted" in out


def test_status_when_not_connected_says_how_to_connect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(monkeypatch, capsys, "connect", "--status", cwd=tmp_path)
    assert code == 1
    assert "✗ not connected" in out and "acctivate-qbo connect" in out


def test_constants_repeated_for_a_fast_help_match_their_sources() -> None:
    assert connect_cmd.DEFAULT_REDIRECT_PORT == DEFAULT_REDIRECT_PORT
    assert connect_cmd.CLIENT_SECRET_ENV == CLIENT_SECRET_ENV
    assert (AUTHORIZE_PATH, TOKEN_PATH) == (
        sandbox_routing.AUTHORIZE_PATH,
        sandbox_routing.TOKEN_PATH,
    )


def test_help_is_instant_because_it_imports_no_database_or_client() -> None:
    probe = (
        "import sys; from acctivate_qbo_plugin.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'requests') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
