"""``acctivate-qbo connect``: the OAuth 2 authorization-code flow against Intuit.

1. Open (or print) the authorize URL with a fresh ``state``.
2. Receive the redirect on a loopback port (or read the address the user pastes back).
3. Check ``state`` and ``error``; nothing is stored unless both are right.
4. Exchange the code at the token endpoint and store the pair and the app's credentials in
   the token store (0600, atomic).
5. Record ``realm_id``, ``client_id`` and ``environment`` in the config file, editing it in
   place so the administrator's comments stay.
6. Read ``companyinfo`` to show which company is now connected.

Secrets (the client secret, the code, the tokens) are registered for redaction and never
printed; :class:`ConnectError` messages say what went wrong and what to do.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from acctivate_qbo_plugin.config import Settings
from acctivate_qbo_plugin.config_edit import ConfigEditError, set_config_values
from acctivate_qbo_plugin.oauth_redirect import (
    CALLBACK_PATH,
    AuthorizationResponse,
    LoopbackReceiver,
    RedirectPortInUse,
)
from acctivate_qbo_plugin.qbo import (
    INTUIT_AUTHORIZE_URL,
    INTUIT_TOKEN_URL,
    PRODUCTION_BASE_URL,
    SANDBOX_BASE_URL,
    AuthError,
    ClientCredentials,
    ClientSettings,
    InsecureUrlError,
    OAuthClient,
    QboClient,
    QboError,
    ReconnectNeeded,
    TokenStore,
    TokenStoreError,
    TransientError,
    authorization_url,
    exchange_authorization_code,
    new_state,
    open_client,
    require_safe_url,
)
from acctivate_qbo_plugin.services import token_store_path

__all__ = [
    "DEFAULT_REDIRECT_PORT",
    "ConnectError",
    "ConnectRequest",
    "ConnectResult",
    "Endpoints",
    "connect",
    "endpoints_for",
    "open_configured_client",
]

# Where a local sandbox server answers (acctivate_qbo_plugin.sandbox.routing; a test checks).
AUTHORIZE_PATH = "/connect/oauth2"
TOKEN_PATH = "/oauth2/v1/tokens/bearer"
DEFAULT_REDIRECT_PORT = 8765
"""The port of ``http://localhost:8765/callback``, the redirect URI to register in the Intuit
app (it must match exactly, port included)."""


class ConnectError(RuntimeError):
    """The connection could not be made; the message says why and what to do.

    :ivar stored: whether tokens were stored before the failure (only a failed company-info
        read after a good exchange leaves them).
    """

    def __init__(self, message: str, *, stored: bool = False) -> None:
        super().__init__(message)
        self.stored = stored


@dataclass(frozen=True)
class Endpoints:
    environment: str
    authorize_url: str
    token_url: str
    base_url: str


def endpoints_for(environment: str, settings: Settings, base_url: str | None = None) -> Endpoints:
    """Where to authorize, exchange and call the API for ``environment``.

    ``local`` (a local sandbox server) takes ``base_url`` or the config's ``[qbo] base_url``;
    Intuit's sandbox and production use Intuit's endpoints.
    """
    if environment == "local":
        base = base_url or settings.qbo.base_url
        if not base:
            raise ConnectError(
                "--environment local needs the local sandbox's address: pass --base-url "
                "http://127.0.0.1:PORT (see `acctivate-qbo sandbox`) or set [qbo] base_url"
            )
        try:
            base = require_safe_url(base, "base_url")
        except InsecureUrlError as exc:
            raise ConnectError(str(exc)) from None
        token = settings.qbo.token_url if settings.qbo.base_url == base else None
        return Endpoints("local", base + AUTHORIZE_PATH, token or base + TOKEN_PATH, base)
    if environment not in ("sandbox", "production"):
        raise ConnectError(f"unknown environment {environment!r}; use sandbox, production or local")
    base = PRODUCTION_BASE_URL if environment == "production" else SANDBOX_BASE_URL
    return Endpoints(environment, INTUIT_AUTHORIZE_URL, INTUIT_TOKEN_URL, base)


def open_configured_client(
    settings: Settings, client_settings: ClientSettings | None = None
) -> QboClient:
    """A client for the company the config file names, with its tokens from the token store.

    What a host with its own schema passes as ``SyncServices.qbo_factory``
    (``lambda: open_configured_client(settings)``).

    :param client_settings: the client's settings, used as given (``acctivate-qbo status``
        asks with short timeouts and no retries); by default QBO's real limits and the config
        file's ``minor_version``.
    :raises NotConnected: no company is connected yet (the message says how to connect).
    """
    from acctivate_qbo_plugin.services import NotConnected

    qbo = settings.qbo
    where = settings.path or "the config file"
    if not qbo.realm_id:
        raise NotConnected(f"no QuickBooks company is connected ([qbo] realm_id in {where})")
    store = token_store_path(settings)
    if not store.exists():
        raise NotConnected(f"no QuickBooks tokens at {store}")
    try:
        endpoints = endpoints_for(qbo.environment, settings)
    except ConnectError as exc:
        raise NotConnected(str(exc)) from None
    return open_client(
        store,
        qbo.realm_id,
        base_url=endpoints.base_url,
        token_url=qbo.token_url or endpoints.token_url,
        client_id=qbo.client_id,
        settings=client_settings or ClientSettings(minorversion=qbo.minor_version),
    )


@dataclass(frozen=True)
class ConnectRequest:
    endpoints: Endpoints
    client_id: str
    client_secret: str = field(repr=False)
    redirect_port: int = DEFAULT_REDIRECT_PORT
    redirect_uri: str | None = None
    """An explicit redirect URI; one that is not ``http://localhost`` (or 127.0.0.1) means
    the user pastes the address the browser landed on back into the terminal."""
    open_browser: bool = True
    timeout_seconds: float = 300.0
    paste: bool = False
    """Do not listen: the user pastes the address the browser landed on (the browser runs on
    another machine, e.g. over SSH). Implied by a redirect URI off this machine."""


@dataclass(frozen=True)
class ConnectResult:
    realm_id: str
    environment: str
    client_id: str
    token_store: Path
    config_path: Path
    access_expires_at: datetime
    refresh_expires_at: datetime | None
    refresh_hard_expires_at: datetime | None
    company_name: str | None
    company_problem: str | None = None
    """Why the company name could not be read (the connection itself is made)."""


def _is_loopback(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")


def connect(
    config_path: Path,
    settings: Settings,
    request: ConnectRequest,
    *,
    show_url: Callable[[str, str], None],
    read_pasted: Callable[[], str] | None = None,
    open_browser: Callable[[str], object] | None = None,
) -> ConnectResult:
    """Run the whole flow; raise :class:`ConnectError` with nothing stored on any failure
    before the exchange.

    :param show_url: called with (authorize URL, redirect URI) before waiting.
    :param read_pasted: reads the address the browser landed on, for a redirect URI that is
        not on this machine (required then).
    :param open_browser: opens the address in a browser (default: :func:`webbrowser.open`,
        looked up when called).
    """
    state = new_state()
    pasted_mode = request.paste or (
        request.redirect_uri is not None and not _is_loopback(request.redirect_uri)
    )
    receiver: LoopbackReceiver | None = None
    if pasted_mode and request.redirect_uri is None:
        raise ConnectError(
            "pasting the address needs the redirect URI registered in the Intuit app: pass "
            "--redirect-uri"
        )
    if not pasted_mode:
        port, path = request.redirect_port, CALLBACK_PATH
        if request.redirect_uri is not None:
            parts = urlsplit(request.redirect_uri)
            port, path = parts.port or 80, parts.path or "/"
        try:
            receiver = LoopbackReceiver(port, path).start()
        except RedirectPortInUse as exc:
            raise ConnectError(str(exc)) from None
    try:
        redirect_uri = request.redirect_uri or (receiver.redirect_uri if receiver else "")
        try:
            url = authorization_url(
                request.client_id,
                redirect_uri,
                state,
                authorize_url=request.endpoints.authorize_url,
            )
        except InsecureUrlError as exc:
            raise ConnectError(str(exc)) from None
        show_url(url, redirect_uri)
        if request.open_browser:
            (open_browser or webbrowser.open)(url)
        if receiver is not None:
            response = receiver.wait(request.timeout_seconds)
            if response is None:
                raise ConnectError(
                    f"no answer from the browser within {request.timeout_seconds:g} seconds; "
                    "nothing was stored. Run `acctivate-qbo connect` again and approve access "
                    f"in the browser before then (use --timeout for more time). If the browser "
                    f"showed an error about the redirect URI, register {redirect_uri} in the "
                    "Intuit app's Keys & credentials."
                )
        else:
            if read_pasted is None:
                raise ConnectError("no way to read the pasted address")
            response = AuthorizationResponse.from_redirect(read_pasted())
    finally:
        if receiver is not None:
            receiver.close()
    realm_id, code = _checked(response, state)
    _refuse_another_company(settings, realm_id)
    return _finish(config_path, settings, request, realm_id, code, redirect_uri)


def _checked(response: AuthorizationResponse, state: str) -> tuple[str, str]:
    if response.error:
        if response.error == "access_denied":
            raise ConnectError(
                "access was declined in QuickBooks (access_denied); nothing was stored. Run "
                "`acctivate-qbo connect` again and choose Connect, signed in as an admin of "
                "the company."
            )
        detail = f": {response.error_description}" if response.error_description else ""
        raise ConnectError(
            f"QuickBooks refused the authorization ({response.error}{detail}); nothing was "
            "stored. Check the app's client id and redirect URI, then run connect again."
        )
    if response.state != state:
        raise ConnectError(
            "the answer does not belong to this authorization (its state does not match), so "
            "it was ignored and nothing was stored: it may come from an older attempt or a "
            "forged link. Run `acctivate-qbo connect` again and use the new address."
        )
    if not response.code or not response.realm_id:
        missing = "code" if not response.code else "realmId"
        raise ConnectError(
            f"the answer has no {missing}; nothing was stored. Run `acctivate-qbo connect` "
            "again (and paste the whole address, if you paste it)."
        )
    return response.realm_id, response.code


def _refuse_another_company(settings: Settings, realm_id: str) -> None:
    current = settings.qbo.realm_id
    if current and current != realm_id:
        where = settings.path or "the config file"
        raise ConnectError(
            f"{where} is connected to company {current}, but company {realm_id} was chosen; "
            "nothing was stored. The sync state (which host record is which QuickBooks record) "
            "belongs to the first company, so one installation never switches companies. To "
            "sync another company, install a new one: `acctivate-qbo install --config "
            "NEW_DIR/acctivate_qbo.toml`, then `acctivate-qbo connect --config "
            "NEW_DIR/acctivate_qbo.toml`. To reconnect the same company, choose it in QuickBooks."
        )


def _finish(
    config_path: Path,
    settings: Settings,
    request: ConnectRequest,
    realm_id: str,
    code: str,
    redirect_uri: str,
) -> ConnectResult:
    endpoints = request.endpoints
    credentials = ClientCredentials(request.client_id, request.client_secret)
    store = TokenStore(token_store_path(settings))
    oauth = OAuthClient(credentials, token_url=endpoints.token_url)
    try:
        pair = exchange_authorization_code(oauth, store, realm_id, code, redirect_uri)
        with store.lock():
            store.save_client_credentials(request.client_id, request.client_secret)
    except ReconnectNeeded:
        raise ConnectError(
            "QuickBooks refused the authorization code (invalid_grant): it was used already, "
            "expired (codes live a few minutes), or the redirect URI differs from the one "
            "registered. Nothing was stored; run `acctivate-qbo connect` again."
        ) from None
    except AuthError as exc:
        hint = (
            exc.fix_hint
            if exc.code != "invalid_client"
            else (
                "Check the client id and secret in the Intuit app's Keys & credentials (sandbox "
                "and production have different ones), then run connect again."
            )
        )
        raise ConnectError(f"{exc}. Nothing was stored. {hint}") from None
    except TransientError as exc:
        raise ConnectError(
            f"the token endpoint did not answer ({exc}); nothing was stored. Check the network "
            "and run `acctivate-qbo connect` again."
        ) from None
    except TokenStoreError as exc:
        raise ConnectError(f"{exc}") from None
    values: dict[str, str] = {
        "environment": endpoints.environment,
        "realm_id": realm_id,
        "client_id": request.client_id,
    }
    unset: tuple[str, ...] = ("base_url", "token_url")
    if endpoints.environment == "local":
        values |= {"base_url": endpoints.base_url, "token_url": endpoints.token_url}
        unset = ()
    try:
        set_config_values(config_path, "qbo", values, unset=unset)
    except ConfigEditError as exc:
        raise ConnectError(f"the tokens are stored, but {exc}", stored=True) from None
    name, problem = _company_name(store.path, realm_id, endpoints, request.client_id, settings)
    return ConnectResult(
        realm_id=realm_id,
        environment=endpoints.environment,
        client_id=request.client_id,
        token_store=store.path,
        config_path=config_path,
        access_expires_at=pair.access_expires_at,
        refresh_expires_at=pair.refresh_expires_at,
        refresh_hard_expires_at=pair.refresh_hard_expires_at,
        company_name=name,
        company_problem=problem,
    )


def _company_name(
    store_path: Path, realm_id: str, endpoints: Endpoints, client_id: str, settings: Settings
) -> tuple[str | None, str | None]:
    try:
        with open_client(
            store_path,
            realm_id,
            base_url=endpoints.base_url,
            token_url=endpoints.token_url,
            client_id=client_id,
            settings=ClientSettings(minorversion=settings.qbo.minor_version),
        ) as qbo:
            info = qbo.company_info().entity
    except QboError as exc:
        return None, f"{exc} ({exc.fix_hint})"
    name = info.get("CompanyName") or info.get("LegalName")
    return (str(name), None) if name else (None, "CompanyInfo has no CompanyName")
