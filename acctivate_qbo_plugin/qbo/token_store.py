"""The token store: one JSON file, mode 0600, holding each realm's token pair.

It may also hold the app's client id and secret (written by ``acctivate-qbo connect``); the
config file never does. Writes are atomic (temp file, fsync, ``os.replace``) so a crash
leaves either the old or the new pair, never half of one. A file that the group or others
can read is refused: it holds credentials to the company's books.

Layout::

    {"version": 1,
     "client": {"client_id": "...", "client_secret": "..."},
     "realms": {"<realm id>": {"access_token": ..., "refresh_token": ..., ...,
                                "dead_refresh_fingerprint": null}}}
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import filelock

from acctivate_qbo_plugin.qbo.redaction import get_logger, register_secret
from acctivate_qbo_plugin.qbo.token_pair import TokenPair

__all__ = ["InsecureTokenStore", "TokenStore", "TokenStoreError"]

_FORMAT_VERSION = 1
_log = get_logger("acctivate_qbo_plugin.qbo.token_store")


class TokenStoreError(Exception):
    """The token store cannot be read or written; the message says which file and why."""


class InsecureTokenStore(TokenStoreError, PermissionError):
    """The token store file is readable by the group or by others."""


class TokenStore:
    """Reads and atomically rewrites the token store file at ``path``.

    Callers that read, refresh and write must hold :meth:`lock` around the whole sequence;
    it serializes writers across threads and processes.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = filelock.FileLock(str(self.path) + ".lock")

    def __repr__(self) -> str:
        return f"TokenStore({str(self.path)!r})"

    def lock(self, timeout: float = 60.0) -> filelock.BaseFileLock:
        """The inter-process lock of this store (a context manager)."""
        self._lock.timeout = timeout
        return self._lock

    # -- reading ---------------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return {"version": _FORMAT_VERSION, "realms": {}}
        if os.name == "posix" and info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            mode = stat.S_IMODE(info.st_mode)
            raise InsecureTokenStore(
                f"token store {self.path} has mode {mode:04o}: the group or others can read the "
                f"QuickBooks tokens. Run `chmod 600 {self.path}` (and check who could have read "
                f"it), then try again."
            )
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TokenStoreError(
                f"token store {self.path} cannot be read ({type(exc).__name__}); restore it or "
                f"run `acctivate-qbo connect` to create a new one"
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("realms", {}), dict):
            raise TokenStoreError(
                f"token store {self.path} is not a token store (expected an object with "
                f"'realms'); run `acctivate-qbo connect` to create a new one"
            )
        data.setdefault("realms", {})
        client = data.get("client")
        if isinstance(client, dict):
            register_secret(client.get("client_secret"))
        return data

    def load_pair(self, realm_id: str) -> TokenPair | None:
        """The stored pair of ``realm_id``, or None if the realm was never connected."""
        entry = self._read()["realms"].get(realm_id)
        if entry is None:
            return None
        try:
            return TokenPair.from_json(entry)
        except ValueError as exc:
            raise TokenStoreError(
                f"token store {self.path}, realm {realm_id}: {exc}; run `acctivate-qbo connect`"
            ) from None

    def dead_refresh_fingerprint(self, realm_id: str) -> str | None:
        """The fingerprint of a refresh token QBO refused with ``invalid_grant``, if any."""
        entry = self._read()["realms"].get(realm_id) or {}
        value = entry.get("dead_refresh_fingerprint")
        return value if isinstance(value, str) else None

    def client_credentials(self) -> tuple[str | None, str | None]:
        """``(client_id, client_secret)`` as stored by ``connect``; each may be None."""
        client = self._read().get("client") or {}
        client_id = client.get("client_id")
        secret = client.get("client_secret")
        return (
            client_id if isinstance(client_id, str) else None,
            secret if isinstance(secret, str) else None,
        )

    # -- writing ---------------------------------------------------------------------------

    def save_pair(self, realm_id: str, pair: TokenPair) -> None:
        """Store ``pair`` for ``realm_id`` durably; clears any dead-grant mark."""
        data = self._read()
        entry = pair.to_json()
        entry["dead_refresh_fingerprint"] = None
        data["realms"][realm_id] = entry
        self._write(data)
        _log.debug("saved a new token pair for realm %s to %s", realm_id, self.path)

    def mark_dead(self, realm_id: str, refresh_fingerprint: str) -> None:
        """Remember that the stored refresh token was refused, so nobody retries it."""
        data = self._read()
        entry = data["realms"].setdefault(realm_id, {})
        entry["dead_refresh_fingerprint"] = refresh_fingerprint
        self._write(data)

    def save_client_credentials(self, client_id: str, client_secret: str) -> None:
        """Store the app's credentials (the ``connect`` command does this)."""
        register_secret(client_secret)
        data = self._read()
        data["client"] = {"client_id": client_id, "client_secret": client_secret}
        self._write(data)

    def _write(self, data: dict[str, Any]) -> None:
        data["version"] = _FORMAT_VERSION
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file 0600, so the secrets are never readable, not even briefly.
        handle, temp_name = tempfile.mkstemp(
            dir=directory, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as temp:
                json.dump(data, temp, indent=1, sort_keys=True)
                temp.flush()
                os.fsync(temp.fileno())
            os.chmod(temp_name, 0o600)
            os.replace(temp_name, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
            raise
        if os.name == "posix":
            # Persist the rename itself: without this a power cut may bring the old file back.
            directory_handle = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(directory_handle)
            finally:
                os.close(directory_handle)
