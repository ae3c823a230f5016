"""Tokens only travel over https, or plain http to this machine."""

from __future__ import annotations

import pytest

from acctivate_qbo_plugin.qbo import InsecureUrlError, QboClient, require_safe_url


class NoTokens:
    def access_token(self) -> str:
        raise AssertionError("no request expected")

    def refresh_after_rejection(self, rejected_access_token: str) -> str:
        raise AssertionError("no request expected")


@pytest.mark.parametrize(
    "url",
    [
        "https://quickbooks.api.intuit.com",
        "https://sandbox-quickbooks.api.intuit.com/",
        "http://127.0.0.1:8686",
        "http://localhost:9000",
        "http://[::1]:8686",
    ],
)
def test_allowed_base_urls(url: str) -> None:
    client = QboClient(url, "123", NoTokens())
    assert client.base_url == url.rstrip("/")
    assert client._transport.session.verify is True
    client.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://quickbooks.api.intuit.com", "plain http to quickbooks.api.intuit.com"),
        ("http://10.0.0.5:8686", "plain http to 10.0.0.5"),
        ("ftp://example.com", "not an http"),
        ("", "must be a URL"),
    ],
)
def test_refused_base_urls(url: str, message: str) -> None:
    with pytest.raises(InsecureUrlError, match=message):
        QboClient(url, "123", NoTokens())
    assert issubclass(InsecureUrlError, ValueError)
    with pytest.raises(ValueError):
        require_safe_url(url, "token_url")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"minorversion": 65}, "minorversion 65 is retired"),
        ({"read_timeout": 0}, "timeouts must be positive"),
        ({"page_size": 1001}, "page_size must be 1..1000"),
    ],
)
def test_bad_client_settings_are_refused(overrides: dict[str, object], message: str) -> None:
    from acctivate_qbo_plugin.qbo import ClientSettings

    with pytest.raises(ValueError, match=message):
        ClientSettings(**overrides)  # type: ignore[arg-type]
