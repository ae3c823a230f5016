"""The QuickBooks Online plugin's hook implementations: thin, fast and harmless to the host.

Each host event maps to section names (PRODUCT.md's trigger table) and hands them to the
host's sync runner; nothing here does I/O, waits on a sync, or lets an exception reach the
host. Registered under the ``acctivate`` entry-point group as ``qbo``.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from acctivate_qbo_plugin.runtime import HostRuntime, RuntimeOptions
from acctivate_qbo_plugin.triggers import (
    CUSTOMER_SECTIONS,
    INVENTORY_SECTIONS,
    sections_for_invoice,
)
from hookspecs import Host, MenuItem, hookimpl

__all__ = ["SYNC_MENU_ITEM", "configure_host", "runtime_for"]

log = logging.getLogger(__name__)

SYNC_MENU_ITEM = MenuItem(
    id="acctivate_qbo.sync_now", menu="QuickBooks", label="Sync with QuickBooks"
)

_F = TypeVar("_F", bound=Callable[..., Any])


class _Runtimes:
    """One runtime per host object (a process may host several companies, or tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_host: dict[int, HostRuntime] = {}
        self._options: dict[int, RuntimeOptions] = {}

    def get(self, host: Host) -> HostRuntime:
        runtime = self._by_host.get(id(host))  # the hot path: a dict read, no lock
        if runtime is not None and runtime.host is host:
            return runtime
        with self._lock:
            runtime = self._by_host.get(id(host))
            if runtime is None or runtime.host is not host:
                # Created (not started) on first use: a request that comes before
                # host_started waits in the runner until it starts.
                runtime = HostRuntime(host, self._options.pop(id(host), None))
                self._by_host[id(host)] = runtime
            return runtime

    def configure(self, host: Host, options: RuntimeOptions) -> None:
        with self._lock:
            if id(host) in self._by_host:
                raise RuntimeError("configure_host() must be called before the host starts")
            self._options[id(host)] = options

    def pop(self, host: Host) -> HostRuntime | None:
        with self._lock:
            runtime = self._by_host.get(id(host))
            if runtime is not None and runtime.host is host:
                del self._by_host[id(host)]
                return runtime
            return None


_runtimes = _Runtimes()


def configure_host(host: Host, options: RuntimeOptions) -> None:
    """Build this host's runtime with ``options`` (a clock, sections, services) — for tests
    and embedders; a real host never needs it. Call before ``acctivate_host_started``."""
    _runtimes.configure(host, options)


def runtime_for(host: Host) -> HostRuntime:
    """The runtime of ``host`` (its runner, config and state), e.g. for the CLI and tests."""
    return _runtimes.get(host)


def _shielded(hook: _F) -> _F:
    """Never let an exception from the plugin escape into the host's action."""

    @functools.wraps(hook)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return hook(*args, **kwargs)
        except Exception:
            log.exception(
                "acctivate-qbo: %s failed; the host action is not affected", hook.__name__
            )
            return None

    return wrapper  # type: ignore[return-value]


# -- host events -----------------------------------------------------------------------------


@hookimpl
@_shielded
def acctivate_host_started(host: Host) -> None:
    _runtimes.get(host).start()


@hookimpl
@_shielded
def acctivate_host_closing(host: Host) -> None:
    runtime = _runtimes.pop(host)
    if runtime is not None:
        runtime.close()


@hookimpl
@_shielded
def acctivate_lookup_opened(host: Host, lookup: str) -> None:
    runtime = _runtimes.get(host)
    runtime.runner.request(runtime.catalog.for_lookup(lookup), "lookup_opened")


@hookimpl
@_shielded
def acctivate_list_searched(host: Host, list_name: str) -> None:
    runtime = _runtimes.get(host)
    runtime.runner.request(runtime.catalog.for_lookup(list_name), "list_searched")


@hookimpl
@_shielded
def acctivate_inventory_posted(host: Host) -> None:
    _runtimes.get(host).runner.request(INVENTORY_SECTIONS, "inventory_posted")


@hookimpl
@_shielded
def acctivate_invoice_posted(host: Host, kind: str) -> None:
    trigger = "po_invoice_posted" if kind == "po_invoice" else "invoice_posted"
    _runtimes.get(host).runner.request(sections_for_invoice(kind), trigger)


@hookimpl
@_shielded
def acctivate_customer_created(host: Host) -> None:
    _runtimes.get(host).runner.request(CUSTOMER_SECTIONS, "customer_created")


# -- menu ------------------------------------------------------------------------------------


@hookimpl
@_shielded
def acctivate_menu_items(host: Host) -> Sequence[MenuItem]:
    return [SYNC_MENU_ITEM]


@hookimpl
@_shielded
def acctivate_menu_item_selected(host: Host, item_id: str) -> None:
    if item_id == SYNC_MENU_ITEM.id:
        # The user asked: every enabled section, at once (no debounce).
        _runtimes.get(host).runner.request(trigger="menu", every_section=True, immediate=True)
