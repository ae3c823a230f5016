"""Hand out a valid access token for one realm, refreshing it safely.

The rules (QBO.md, OAuth 2): every refresh returns a new refresh token and the old one dies
24 hours later, so

* only one refresh runs at a time per realm: a thread lock inside the process, the store's
  file lock across processes;
* after taking the lock we re-read the store: another process may have refreshed already, and
  then we use its pair instead of spending (and killing) the refresh token again;
* the new pair is persisted *before* it is used: a crash after a refresh must not lose the only
  live refresh token;
* ``invalid_grant`` is terminal: we record which refresh token died and never send it again,
  in this process or another, until ``connect`` stores a new pair.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from acctivate_qbo_plugin.crashpoints import crash_point
from acctivate_qbo_plugin.qbo.auth import OAuthClient
from acctivate_qbo_plugin.qbo.errors import ReconnectNeeded
from acctivate_qbo_plugin.qbo.redaction import get_logger
from acctivate_qbo_plugin.qbo.token_pair import TokenPair
from acctivate_qbo_plugin.qbo.token_store import TokenStore

__all__ = ["TokenManager"]

_log = get_logger("acctivate_qbo_plugin.qbo.tokens")

OAuthSource = OAuthClient | Callable[[], OAuthClient]


class TokenManager:
    """The access-token source of one realm, backed by a :class:`TokenStore`.

    :param oauth: the OAuth client, or a callable building it on the first refresh (so a
        missing client secret only matters once a refresh is due).
    :param refresh_margin: refresh proactively when the access token expires within this.
    :param now: the wall clock (aware); injectable for tests.
    """

    def __init__(
        self,
        store: TokenStore,
        realm_id: str,
        oauth: OAuthSource,
        *,
        refresh_margin: timedelta = timedelta(minutes=5),
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        lock_timeout: float = 60.0,
    ) -> None:
        self.store = store
        self.realm_id = realm_id
        self._oauth_source = oauth
        self._oauth: OAuthClient | None = oauth if isinstance(oauth, OAuthClient) else None
        self.refresh_margin = refresh_margin
        self._now = now
        self._lock_timeout = lock_timeout
        self._thread_lock = threading.Lock()
        self._pair: TokenPair | None = None

    def __repr__(self) -> str:
        return f"TokenManager(store={self.store!r}, realm_id={self.realm_id!r})"

    def current_pair(self) -> TokenPair:
        """The pair in use (loaded from the store on first call)."""
        pair = self._pair
        if pair is None:
            with self._thread_lock:
                if self._pair is None:
                    self._pair = self._load_required()
                pair = self._pair
        return pair

    def access_token(self) -> str:
        """A valid access token, refreshed first if it expires within ``refresh_margin``."""
        pair = self.current_pair()
        if pair.access_expires_within(self._now(), self.refresh_margin):
            pair = self._refresh(pair.access_token, reason="expires soon")
        return pair.access_token

    def refresh_after_rejection(self, rejected_access_token: str) -> str:
        """QBO answered 401 to ``rejected_access_token``: get a new one (once per rejection)."""
        return self._refresh(rejected_access_token, reason="rejected by QBO").access_token

    def _load_required(self) -> TokenPair:
        pair = self.store.load_pair(self.realm_id)
        if pair is None:
            raise ReconnectNeeded(
                f"no QuickBooks tokens for realm {self.realm_id} in {self.store.path}",
                fix_hint="Run `acctivate-qbo connect` to connect to QuickBooks.",
            )
        return pair

    def _oauth_client(self) -> OAuthClient:
        if self._oauth is None:
            source = self._oauth_source
            assert callable(source)
            self._oauth = source()
        return self._oauth

    def _refresh(self, stale_access_token: str, *, reason: str) -> TokenPair:
        with self._thread_lock, self.store.lock(self._lock_timeout):
            stored = self._load_required()
            now = self._now()
            if stored.access_token != stale_access_token and not stored.access_expires_within(
                now, self.refresh_margin
            ):
                # Another thread or process refreshed while we waited for the lock.
                _log.debug("realm %s: using the pair another refresher stored", self.realm_id)
                self._pair = stored
                return stored
            if self.store.dead_refresh_fingerprint(self.realm_id) == stored.refresh_fingerprint:
                raise ReconnectNeeded(
                    f"the QuickBooks connection of realm {self.realm_id} was refused earlier "
                    f"(invalid_grant); not asking again until it is reconnected",
                    code="invalid_grant",
                )
            _log.info("realm %s: refreshing the access token (%s)", self.realm_id, reason)
            try:
                new_pair = self._oauth_client().refresh(stored.refresh_token)
            except ReconnectNeeded:
                self.store.mark_dead(self.realm_id, stored.refresh_fingerprint)
                _log.warning("realm %s: refresh token refused; reconnect needed", self.realm_id)
                raise
            crash_point("auth.refreshed")
            # Persist before use: if this fails, the error propagates and the pair is not used.
            self.store.save_pair(self.realm_id, new_pair)
            crash_point("auth.persisted")
            self._pair = new_pair
            return new_pair
