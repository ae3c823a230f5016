"""Where requests may go: https everywhere, plain http only to this machine's loopback."""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["PRODUCTION_BASE_URL", "SANDBOX_BASE_URL", "InsecureUrlError", "require_safe_url"]

PRODUCTION_BASE_URL = "https://quickbooks.api.intuit.com"
SANDBOX_BASE_URL = "https://sandbox-quickbooks.api.intuit.com"
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class InsecureUrlError(ValueError):
    """A URL that would send tokens in clear text, or is not a URL at all."""


def require_safe_url(url: str, name: str = "base_url") -> str:
    """Return ``url`` without a trailing slash if it is https, or http to a loopback host.

    Tokens travel with every request, so plain http is only allowed where nothing leaves the
    machine (the local sandbox).
    """
    if not isinstance(url, str) or not url:
        raise InsecureUrlError(f"{name} must be a URL such as {PRODUCTION_BASE_URL!r}")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise InsecureUrlError(
            f"{name}={url!r} is not an http(s) URL; use e.g. {PRODUCTION_BASE_URL!r}"
        )
    if parts.scheme == "http" and host not in _LOOPBACK_HOSTS:
        raise InsecureUrlError(
            f"{name}={url!r} uses plain http to {host}: QuickBooks tokens would travel "
            f"unencrypted. Use https (e.g. {SANDBOX_BASE_URL!r}); http is allowed only for "
            f"127.0.0.1, ::1 or localhost."
        )
    return url.rstrip("/")
