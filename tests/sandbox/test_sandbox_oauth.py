"""OAuth 2: authorize redirect, code exchange, refresh rotation with grace, 401/3200."""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Callable
from typing import Any

import pytest
import requests
from sandbox_http import QboHttp, fault_codes

from acctivate_qbo_plugin.sandbox import SandboxServer

REDIRECT = "http://127.0.0.1:8765/callback"
SCOPE = "com.intuit.quickbooks.accounting"


def authorize(sandbox: SandboxServer, **overrides: str) -> requests.Response:
    params = {
        "client_id": "app",
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": SCOPE,
        "state": "s-42",
    }
    params.update(overrides)
    return requests.get(sandbox.authorize_url, params=params, allow_redirects=False, timeout=10)


def token_call(
    sandbox: SandboxServer, auth: tuple[str, str] = ("app", "secret"), **form: str
) -> requests.Response:
    return requests.post(sandbox.token_url, data=form, auth=auth, timeout=10)


def refresh(
    sandbox: SandboxServer, token: str, auth: tuple[str, str] = ("app", "secret")
) -> requests.Response:
    return token_call(sandbox, auth, grant_type="refresh_token", refresh_token=token)


def code_from(response: requests.Response) -> dict[str, str]:
    query = urllib.parse.urlsplit(response.headers["Location"]).query
    return dict(urllib.parse.parse_qsl(query))


def test_authorize_redirects_back_with_code_state_and_realm(sandbox: SandboxServer) -> None:
    response = authorize(sandbox)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    answer = code_from(response)
    assert answer["state"] == "s-42" and answer["realmId"] == sandbox.realm_id and answer["code"]
    localhost = authorize(sandbox, redirect_uri="http://localhost:9000/")
    assert localhost.status_code == 302 and localhost.headers["Location"].startswith(
        "http://localhost:9000/?"
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"redirect_uri": "https://example.com/callback"},
        {"redirect_uri": "http://10.0.0.5:8765/"},
        {"redirect_uri": "http://127.0.0.1/no-port"},
        {"response_type": "token"},
        {"scope": "openid"},
        {"client_id": ""},
    ],
)
def test_authorize_refuses_bad_requests(sandbox: SandboxServer, overrides: dict[str, str]) -> None:
    response = authorize(sandbox, **overrides)
    assert response.status_code == 400
    assert "error" in response.json()


def test_a_code_is_exchanged_once_for_a_working_token_pair(sandbox: SandboxServer) -> None:
    code = code_from(authorize(sandbox))["code"]
    wrong_redirect = token_call(
        sandbox, grant_type="authorization_code", code=code, redirect_uri="http://127.0.0.1:1/"
    )
    assert wrong_redirect.status_code == 400 and wrong_redirect.json()["error"] == "invalid_grant"
    code = code_from(authorize(sandbox))["code"]
    exchanged = token_call(
        sandbox, grant_type="authorization_code", code=code, redirect_uri=REDIRECT
    )
    assert exchanged.status_code == 200
    tokens = exchanged.json()
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 3600
    assert tokens["x_refresh_token_expires_in"] == 8726400
    client = QboHttp(sandbox, access_token=tokens["access_token"])
    assert client.get("/customer/1").status_code == 200
    reused = token_call(sandbox, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    assert sandbox.count_requests("authorize") == 2
    assert sandbox.count_requests("token") == 3
    assert sandbox.count_requests("token", status=400) == 2
    client.close()


def test_every_refresh_rotates_and_the_old_token_lives_out_its_grace(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(refresh_grace=86400.0)
    first = sandbox.issue_tokens()
    second = refresh(sandbox, first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    sandbox.clock.shift(86400 - 60)  # within the 24 h grace the old token still works
    third = refresh(sandbox, first["refresh_token"])
    assert third.status_code == 200 and third.json()["refresh_token"] not in (
        first["refresh_token"],
        second["refresh_token"],
    )
    sandbox.clock.shift(120)  # and then it is dead
    dead = refresh(sandbox, first["refresh_token"])
    assert dead.status_code == 400 and dead.json()["error"] == "invalid_grant"
    assert refresh(sandbox, third.json()["refresh_token"]).status_code == 200


def test_with_no_grace_the_old_refresh_token_dies_at_once(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(refresh_grace=0)
    first = sandbox.issue_tokens()
    second = refresh(sandbox, first["refresh_token"])
    assert second.status_code == 200
    again = refresh(sandbox, first["refresh_token"])
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert refresh(sandbox, second.json()["refresh_token"]).status_code == 200


def test_unknown_revoked_and_expired_refresh_tokens_are_invalid_grant(
    sandbox: SandboxServer,
) -> None:
    assert refresh(sandbox, "AB11not-a-token").json() == {
        "error": "invalid_grant",
        "error_description": "Incorrect or invalid refresh token",
    }
    pair = sandbox.issue_tokens()
    sandbox.revoke_refresh_tokens()
    assert refresh(sandbox, pair["refresh_token"]).status_code == 400
    fresh = sandbox.issue_tokens()
    sandbox.clock.shift(8726400 + 1)
    expired = refresh(sandbox, fresh["refresh_token"])
    assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant"
    assert token_call(sandbox, grant_type="password").json()["error"] == "unsupported_grant_type"


def test_configured_client_credentials_are_checked(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(client_id="app", client_secret="s3cret")
    pair = sandbox.issue_tokens()
    wrong = refresh(sandbox, pair["refresh_token"], auth=("app", "nope"))
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert refresh(sandbox, pair["refresh_token"], auth=("other", "s3cret")).status_code == 401
    assert refresh(sandbox, pair["refresh_token"], auth=("app", "s3cret")).status_code == 200


def _assert_3200(response: requests.Response) -> None:
    assert response.status_code == 401
    body: dict[str, Any] = response.json()
    assert body["fault"]["error"][0]["code"] == "3200"
    assert body["fault"]["type"] == "AUTHENTICATION"
    assert isinstance(body["time"], int) and body["time"] > 1_600_000_000_000
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_expired_or_unknown_access_tokens_answer_401_3200(sandbox: SandboxServer) -> None:
    client = QboHttp(sandbox)
    assert client.get("/customer/1").status_code == 200
    sandbox.expire_access_tokens()
    _assert_3200(client.get("/customer/1"))
    _assert_3200(requests.get(f"{client.base}/customer/1", timeout=10))
    _assert_3200(QboHttp(sandbox, access_token="eyJforged").get("/customer/1"))
    client.close()


def test_access_tokens_expire_on_the_server_clock_and_refresh_continues(
    sandbox: SandboxServer,
) -> None:
    pair = sandbox.issue_tokens()
    client = QboHttp(sandbox, access_token=pair["access_token"])
    sandbox.clock.shift(3599)
    assert client.get("/customer/1").status_code == 200
    sandbox.clock.shift(2)
    _assert_3200(client.get("/customer/1"))
    renewed = refresh(sandbox, pair["refresh_token"]).json()
    assert (
        QboHttp(sandbox, access_token=renewed["access_token"]).get("/customer/1").status_code == 200
    )


def test_an_unknown_realm_answers_403(sandbox: SandboxServer) -> None:
    client = QboHttp(sandbox)
    response = client.session.get(f"{sandbox.base_url}/v3/company/123/customer/1", timeout=10)
    assert response.status_code == 403 and fault_codes(response) == ["3100"]
    client.close()


def test_tokens_never_appear_in_logs_reprs_or_the_request_log(
    sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    code = code_from(authorize(sandbox))["code"]
    pair = token_call(
        sandbox, grant_type="authorization_code", code=code, redirect_uri=REDIRECT
    ).json()
    rotated = refresh(sandbox, pair["refresh_token"]).json()
    client = QboHttp(sandbox, access_token=rotated["access_token"])
    client.get("/customer/1")
    sandbox.expire_access_tokens()
    client.get("/customer/1")
    secrets = [
        code,
        pair["access_token"],
        pair["refresh_token"],
        rotated["access_token"],
        rotated["refresh_token"],
    ]
    visible = caplog.text + repr(sandbox) + repr(sandbox.request_log) + repr(sandbox.settings)
    visible += repr(sandbox._runtime.tokens) + repr(sandbox._runtime.tokens.snapshot())
    for secret in secrets:
        assert secret not in visible
    client.close()


def test_the_client_secret_is_not_in_the_settings_repr(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(client_id="app", client_secret="hunter2-secret")
    assert "hunter2-secret" not in repr(sandbox.settings)
    assert "hunter2-secret" not in repr(sandbox)


def test_the_revoke_endpoint_kills_a_refresh_token(sandbox: SandboxServer) -> None:
    pair = sandbox.issue_tokens()
    revoked = requests.post(
        sandbox.revoke_url, json={"token": pair["refresh_token"]}, auth=("app", "s"), timeout=10
    )
    assert revoked.status_code == 200
    assert refresh(sandbox, pair["refresh_token"]).json()["error"] == "invalid_grant"
    assert sandbox.count_requests("revoke") == 1
