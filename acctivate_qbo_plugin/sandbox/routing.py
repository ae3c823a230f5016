"""Which endpoint a request path names (the URL shapes of QBO's v3 API and Intuit OAuth)."""

from __future__ import annotations

from dataclasses import dataclass

from acctivate_qbo_plugin.sandbox.entities import EntitySpec, Kind, spec_for_any_case

TOKEN_PATH = "/oauth2/v1/tokens/bearer"
REVOKE_PATH = "/oauth2/v1/tokens/revoke"
AUTHORIZE_PATH = "/connect/oauth2"


@dataclass(frozen=True)
class Route:
    """``kind``: read, write, query, cdc, batch, preferences, companyinfo, unsupported,
    token, revoke, authorize or not_found."""

    kind: str
    realm: str | None = None
    spec: EntitySpec | None = None
    entity_id: str | None = None

    @property
    def is_api(self) -> bool:
        return self.realm is not None

    @property
    def entity(self) -> str | None:
        return None if self.spec is None else self.spec.name


def resolve(method: str, path: str) -> Route:
    if path == TOKEN_PATH:
        return Route("token" if method == "POST" else "not_found")
    if path == REVOKE_PATH:
        return Route("revoke" if method == "POST" else "not_found")
    if path.rstrip("/") == AUTHORIZE_PATH:
        return Route("authorize" if method == "GET" else "not_found")
    parts = path.strip("/").split("/")
    if len(parts) < 3 or parts[0] != "v3" or parts[1] != "company" or not parts[2]:
        return Route("not_found")
    realm, rest = parts[2], parts[3:]
    if not rest:
        return Route("unsupported", realm)
    segment = rest[0].lower()
    if len(rest) == 1:
        return _collection(method, realm, segment)
    if len(rest) == 2 and method == "GET":
        spec = spec_for_any_case(segment)
        if segment == "companyinfo":
            return Route("companyinfo", realm, spec, rest[1])
        if spec is not None and spec.kind is not Kind.SINGLETON:
            return Route("read", realm, spec, rest[1])
    return Route("unsupported", realm)


def _collection(method: str, realm: str, segment: str) -> Route:
    if segment == "query" and method in ("GET", "POST"):
        return Route("query", realm)
    if segment == "cdc" and method == "GET":
        return Route("cdc", realm)
    if segment == "batch" and method == "POST":
        return Route("batch", realm)
    if segment == "preferences" and method in ("GET", "POST"):
        return Route("preferences", realm, spec_for_any_case("Preferences"))
    if segment == "companyinfo" and method == "POST":
        return Route("write", realm, spec_for_any_case("CompanyInfo"))
    spec = spec_for_any_case(segment)
    if spec is not None and method == "POST" and spec.kind is not Kind.SINGLETON:
        return Route("write", realm, spec)
    return Route("unsupported", realm)
