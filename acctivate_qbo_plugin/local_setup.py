"""Pointing a host directory at a local QBO sandbox: its config file and its tokens.

Used by the demo and the tests (a real installation uses ``acctivate-qbo connect``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from acctivate_qbo_plugin.config import CONFIG_FILENAME
from acctivate_qbo_plugin.services import TOKEN_STORE_FILENAME

__all__ = ["connect_local_sandbox", "write_config"]

LOCAL_CLIENT_ID = "local-sandbox-client"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_config(directory: Path, tables: dict[str, dict[str, Any]]) -> Path:
    """Write ``acctivate_qbo.toml`` from {table: {key: value}} (atomically)."""
    lines = []
    for table, values in tables.items():
        lines.append(f"[{table}]")
        lines.extend(f"{key} = {_toml_value(value)}" for key, value in values.items())
        lines.append("")
    path = directory / CONFIG_FILENAME
    temporary = path.with_suffix(".tmp")
    temporary.write_text("\n".join(lines), encoding="utf-8")
    temporary.replace(path)
    return path


def connect_local_sandbox(
    directory: Path, sandbox: Any, tables: dict[str, dict[str, Any]] | None = None
) -> Path:
    """Store tokens the sandbox issued and write a config whose ``[qbo]`` points at it.

    :param tables: more config tables ({"sync": {...}, "sections": {...}}).
    """
    from acctivate_qbo_plugin.qbo import TokenPair, TokenStore

    directory.mkdir(parents=True, exist_ok=True)
    store = TokenStore(directory / TOKEN_STORE_FILENAME)
    store.save_client_credentials(LOCAL_CLIENT_ID, "local-sandbox-secret")
    store.save_pair(
        sandbox.realm_id, TokenPair.from_token_response(sandbox.issue_tokens(), datetime.now(UTC))
    )
    config = {name: dict(values) for name, values in (tables or {}).items()}
    config["qbo"] = {
        **config.get("qbo", {}),
        "environment": "local",
        "base_url": sandbox.base_url,
        "token_url": sandbox.token_url,
        "realm_id": sandbox.realm_id,
        "client_id": LOCAL_CLIENT_ID,
    }
    return write_config(directory, config)
