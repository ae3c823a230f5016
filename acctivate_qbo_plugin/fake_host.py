"""A fake host ERP that drives the real plugin through the real plugin manager.

It loads plugins the way a real host does (the ``acctivate`` entry points), fires host events
with the exact hook signatures, and records every hook call in order (pluggy's hook-call
monitoring), so tests assert what a host UI would have seen.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hookspecs import Indicator, MenuItem, SectionResult, SyncResult, SyncRun
from hookspecs.manager import make_plugin_manager

if TYPE_CHECKING:
    from acctivate_qbo_plugin.reference_host.erp import ReferenceErp

__all__ = ["STATUS_HOOKS", "FakeHost", "HookCall"]

STATUS_HOOKS = frozenset(
    {
        "acctivate_sync_started",
        "acctivate_section_started",
        "acctivate_section_progress",
        "acctivate_section_finished",
        "acctivate_sync_finished",
        "acctivate_sync_indicator_changed",
    }
)


@dataclass(frozen=True)
class HookCall:
    name: str
    kwargs: dict[str, Any]
    thread: str


class FakeHost:
    """A host with a plugin manager, a data directory and (optionally) a database.

    :param runtime_options: passed to the QBO plugin for this host (clock, sections,
        services); None for what a real host gets.
    """

    def __init__(
        self,
        *,
        data_dir: Path,
        database_url: str | None = None,
        runtime_options: Any = None,
        name: str = "fake-host",
    ) -> None:
        self.name = name
        self.data_dir = Path(data_dir)
        self.database_url = database_url
        self.calls: list[HookCall] = []
        self._calls_changed = threading.Condition()
        self.pm = make_plugin_manager()  # through the real entry points
        self.pm.add_hookcall_monitoring(self._before_hook, lambda *args: None)
        if runtime_options is not None:
            from acctivate_qbo_plugin.plugin import configure_host

            configure_host(self, runtime_options)
        self.started = False
        self.closed = False
        self._erp: ReferenceErp | None = None
        self.sandbox: Any = None  # the local QBO sandbox, when connected to one

    @property
    def hook(self) -> Any:
        return self.pm.hook

    # -- what the user does ----------------------------------------------------------------

    def start(self) -> None:
        self.pm.hook.acctivate_host_started.call_historic(kwargs={"host": self})
        self.started = True

    def close(self) -> None:
        if self.started and not self.closed:
            self.closed = True
            self.pm.hook.acctivate_host_closing(host=self)

    def open_lookup(self, lookup: str) -> None:
        self.pm.hook.acctivate_lookup_opened(host=self, lookup=lookup)

    def search_list(self, list_name: str, query: str = "") -> None:
        self.pm.hook.acctivate_list_searched(host=self, list_name=list_name, query=query)

    # Documents: written to the host database as the ERP would, then the event fires.

    @property
    def erp(self) -> ReferenceErp:
        """The reference ERP on this host's database (its tables created on first use)."""
        if self._erp is None:
            from acctivate_qbo_plugin.reference_host.erp import ReferenceErp
            from acctivate_qbo_plugin.state.db import make_engine

            if self.database_url is None:
                raise RuntimeError("this fake host has no database_url")
            self._erp = ReferenceErp(make_engine(self.database_url))
        return self._erp

    def create_customer(self, name: str, **fields: Any) -> int:
        customer_id = self.erp.create_customer(name, **fields)
        self.fire_customer_created(customer_id)
        return customer_id

    def post_invoice(self, customer: int | str, lines: Sequence[Any], **options: Any) -> int:
        invoice_id = self.erp.post_invoice(customer, lines, **options)
        self.fire_invoice_posted([invoice_id], "invoice")
        return invoice_id

    def post_po_invoice(self, vendor: int | str, lines: Sequence[Any], **options: Any) -> int:
        po_invoice_id = self.erp.post_po_invoice(vendor, lines, **options)
        self.fire_invoice_posted([po_invoice_id], "po_invoice")
        return po_invoice_id

    def post_inventory(self, product: int | str, qty_delta: Any, **options: Any) -> int:
        transaction_id = self.erp.post_inventory(product, qty_delta, **options)
        self.fire_inventory_posted([transaction_id])
        return transaction_id

    # Bare events, for tests of the plugin's reactions alone.

    def fire_customer_created(self, customer_id: str | int) -> None:
        self.pm.hook.acctivate_customer_created(host=self, customer_id=customer_id)

    def fire_invoice_posted(self, invoice_ids: Sequence[str | int], kind: str = "invoice") -> None:
        self.pm.hook.acctivate_invoice_posted(host=self, invoice_ids=list(invoice_ids), kind=kind)

    def fire_inventory_posted(self, transaction_ids: Sequence[str | int]) -> None:
        self.pm.hook.acctivate_inventory_posted(host=self, transaction_ids=list(transaction_ids))

    def menu_items(self) -> list[MenuItem]:
        return [item for items in self.pm.hook.acctivate_menu_items(host=self) for item in items]

    def click_menu(self, label: str = "Sync with QuickBooks", menu: str = "QuickBooks") -> None:
        matches = [i for i in self.menu_items() if i.label == label and i.menu == menu]
        if not matches:
            raise LookupError(f"no menu item {menu} → {label!r}; have {self.menu_items()}")
        self.pm.hook.acctivate_menu_item_selected(host=self, item_id=matches[0].id)

    # -- waiting -----------------------------------------------------------------------------

    @property
    def runtime(self) -> Any:
        from acctivate_qbo_plugin.plugin import runtime_for

        return runtime_for(self)

    def wait_until_idle(self, timeout: float = 30.0) -> None:
        """Block until the plugin has nothing pending or running (AssertionError on timeout)."""
        if not self.runtime.runner.wait_idle(timeout):
            raise AssertionError(f"the sync runner was still busy after {timeout} s")

    def wait_for_runs(self, count: int, timeout: float = 30.0) -> None:
        """Block until ``count`` runs have finished (AssertionError on timeout)."""
        if not self.runtime.runner.wait_runs_finished(count, timeout):
            raise AssertionError(
                f"{self.runtime.runner.runs_finished} of {count} runs finished in {timeout} s"
            )

    def sync_now(self, timeout: float = 60.0) -> SyncResult:
        """Choose "Sync with QuickBooks", wait until nothing is pending or running, and return
        the last run's result (events fired just before join the same run)."""
        before = len(self.run_results())
        self.click_menu()
        self.wait_for_call("acctivate_sync_finished", count=before + 1, timeout=timeout)
        self.wait_until_idle(timeout)
        return self.run_results()[-1]

    def wait_for_call(self, name: str, count: int = 1, timeout: float = 30.0) -> None:
        with self._calls_changed:
            if not self._calls_changed.wait_for(
                lambda: len(self.calls_named(name)) >= count, timeout
            ):
                raise AssertionError(f"{name} was called {len(self.calls_named(name))} times")

    # -- what the host UI saw ----------------------------------------------------------------

    def _before_hook(self, hook_name: str, hook_impls: Any, kwargs: dict[str, Any]) -> None:
        with self._calls_changed:
            self.calls.append(HookCall(hook_name, dict(kwargs), threading.current_thread().name))
            self._calls_changed.notify_all()

    def calls_named(self, name: str) -> list[HookCall]:
        return [c for c in list(self.calls) if c.name == name]

    def status_calls(self) -> list[HookCall]:
        return [c for c in list(self.calls) if c.name in STATUS_HOOKS]

    def indicator_states(self) -> list[Indicator]:
        return [c.kwargs["indicator"] for c in self.calls_named("acctivate_sync_indicator_changed")]

    def runs(self) -> list[SyncRun]:
        return [c.kwargs["run"] for c in self.calls_named("acctivate_sync_started")]

    def run_results(self) -> list[SyncResult]:
        return [c.kwargs["result"] for c in self.calls_named("acctivate_sync_finished")]

    def section_results(self, run_id: int | None = None) -> dict[str, SectionResult]:
        """Results of the last run (or of ``run_id``), by section."""
        finished = self.calls_named("acctivate_section_finished")
        if not finished:
            return {}
        wanted = run_id if run_id is not None else finished[-1].kwargs["run"].id
        return {
            c.kwargs["section"]: c.kwargs["result"]
            for c in finished
            if c.kwargs["run"].id == wanted
        }
