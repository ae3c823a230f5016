"""The loopback listener that receives QuickBooks' redirect during ``acctivate-qbo connect``."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests

from acctivate_qbo_plugin.oauth_redirect import (
    AuthorizationResponse,
    LoopbackReceiver,
    RedirectPortInUse,
)


@pytest.fixture
def receiver() -> Iterator[LoopbackReceiver]:
    with LoopbackReceiver(0) as listening:
        yield listening


def test_the_first_answer_on_the_callback_path_is_delivered(receiver: LoopbackReceiver) -> None:
    assert receiver.redirect_uri == f"http://localhost:{receiver.port}/callback"
    stray = requests.get(f"http://127.0.0.1:{receiver.port}/favicon.ico", timeout=5)
    assert stray.status_code == 404
    assert receiver.wait(0) is None  # a stray request is not the answer

    page = requests.get(
        f"{receiver.redirect_uri}?code=AB11-code-value-xyz&state=s1&realmId=123", timeout=5
    )

    assert page.status_code == 200 and "Authorization received" in page.text
    answer = receiver.wait(5)
    assert answer == AuthorizationResponse(code="AB11-code-value-xyz", state="s1", realm_id="123")
    assert "AB11-code-value-xyz" not in repr(answer)


def test_nothing_is_logged_because_the_request_line_holds_the_code(
    receiver: LoopbackReceiver, capfd: pytest.CaptureFixture[str]
) -> None:
    requests.get(f"{receiver.redirect_uri}?code=AB11-secret-code-1&state=s&realmId=1", timeout=5)
    assert receiver.wait(5) is not None
    captured = capfd.readouterr()
    assert "AB11-secret-code-1" not in captured.out + captured.err


def test_a_port_another_program_uses_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(
            RedirectPortInUse, match=f"cannot listen on port {port}.*--redirect-port"
        ):
            LoopbackReceiver(port).start()


def test_a_port_taken_on_the_ipv6_loopback_is_refused_too() -> None:
    try:
        taken = socket.socket(socket.AF_INET6)
        taken.bind(("::1", 0))
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    with taken:
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RedirectPortInUse, match=r"taken on the IPv6 loopback \(\[::1\]\)"):
            LoopbackReceiver(port).start()
        with socket.socket() as free_again:  # and the IPv4 side was let go
            free_again.bind(("127.0.0.1", port))


@pytest.mark.parametrize(
    "pasted",
    [
        "https://erp.example.com/qbo/callback?code=AB11c0de&state=st&realmId=42",
        "  ?code=AB11c0de&state=st&realmId=42\n",
        "code=AB11c0de&state=st&realmId=42",
    ],
)
def test_a_pasted_address_or_query_is_read(pasted: str) -> None:
    answer = AuthorizationResponse.from_redirect(pasted)
    assert (answer.code, answer.state, answer.realm_id) == ("AB11c0de", "st", "42")
