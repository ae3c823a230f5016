"""A tiny HTTP helper for the sandbox tests: a real requests.Session with a bearer token.

(Named uniquely so it cannot clash with other test directories' helper modules.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from acctivate_qbo_plugin.sandbox import SandboxServer
from tests.fixture_paths import QBO_FIXTURES

TIMEOUT = 10.0


def shared_fixtures() -> Path:
    """The recorded QBO fixtures (see tests/fixture_paths.py)."""
    return QBO_FIXTURES


class QboHttp:
    def __init__(self, sandbox: SandboxServer, *, access_token: str | None = None) -> None:
        self.sandbox = sandbox
        self.session = requests.Session()
        token = access_token or sandbox.issue_tokens()["access_token"]
        self.session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )

    @property
    def base(self) -> str:
        return f"{self.sandbox.base_url}/v3/company/{self.sandbox.realm_id}"

    def close(self) -> None:
        self.session.close()

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(self.base + path, params=params, timeout=TIMEOUT)

    def post(self, path: str, body: Any = None, **params: Any) -> requests.Response:
        return self.session.post(self.base + path, json=body, params=params, timeout=TIMEOUT)

    def query(self, statement: str, **params: Any) -> requests.Response:
        return self.get("/query", query=statement, **params)

    def rows(self, statement: str) -> list[dict[str, Any]]:
        """The entities a query returns (asserting it succeeded)."""
        response = self.query(statement)
        assert response.status_code == 200, response.text
        body = response.json()["QueryResponse"]
        entity = next((key for key in body if key not in ("startPosition", "maxResults")), None)
        return body[entity] if entity else []

    def read(self, entity: str, entity_id: str) -> requests.Response:
        return self.get(f"/{entity.lower()}/{entity_id}")

    def create(self, entity: str, body: dict[str, Any], **params: Any) -> requests.Response:
        return self.post(f"/{entity.lower()}", body, **params)

    def created(self, entity: str, body: dict[str, Any], **params: Any) -> dict[str, Any]:
        """Create and return the stored entity (asserting success)."""
        response = self.create(entity, body, **params)
        assert response.status_code == 200, response.text
        return response.json()[entity]

    def cdc(self, entities: str, changed_since: str) -> requests.Response:
        return self.get("/cdc", entities=entities, changedSince=changed_since)

    def batch(self, items: list[dict[str, Any]], **params: Any) -> requests.Response:
        return self.post("/batch", {"BatchItemRequest": items}, **params)


def fault_codes(response: requests.Response) -> list[str]:
    body = response.json()
    fault = body.get("Fault") or {}
    return [error["code"] for error in fault.get("Error", [])]


def fault_elements(response: requests.Response) -> list[str | None]:
    return [error.get("element") for error in response.json()["Fault"]["Error"]]
