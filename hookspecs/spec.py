"""The ``acctivate`` hookspecs: documented do-nothing functions.

Three groups: host events (the host calls them; plugins react), the menu (the host asks
plugins for entries and tells them what was chosen), and status callbacks (a sync plugin
calls them; the host UI implements them to draw the indicator, the sync window and the log).

Every argument is passed by keyword, ``host`` first; an implementation may take fewer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hookspecs import hookspec

if TYPE_CHECKING:
    from hookspecs.host import Host, Indicator, MenuItem, SectionResult, SyncResult, SyncRun


# --------------------------------------------------------------------------------------------
# Host events: called by the host on the thread that did the action (usually its UI thread).
# Implementations must return at once: no I/O, no waiting on a sync, no exception escaping.
# --------------------------------------------------------------------------------------------


@hookspec(historic=True)
def acctivate_host_started(host: Host) -> None:
    """The host has started and its database is ready.

    Historic: a plugin registered after the host started still receives this call, so a
    late-loaded plugin starts too. Called once per host, on the host's main thread.

    :param host: the host application.
    """


@hookspec
def acctivate_host_closing(host: Host) -> None:
    """The host is closing: stop background work cleanly.

    The only event that may wait: a plugin finishes the step it is in (never leaving anything
    half-written) and returns within a bounded time. Called on the host's main thread.

    :param host: the host application.
    """


@hookspec
def acctivate_lookup_opened(host: Host, lookup: str) -> None:
    """A lookup window was opened, e.g. the customer lookup.

    :param host: the host application.
    :param lookup: which lookup: ``"customer"``, ``"vendor"``, ``"item"``, ``"account"``, ...
    """


@hookspec
def acctivate_list_searched(host: Host, list_name: str, query: str) -> None:
    """A list window was searched.

    :param host: the host application.
    :param list_name: which list, named as for lookups (``"customers"``, ``"vendors"``, ...).
    :param query: what the user typed.
    """


@hookspec
def acctivate_inventory_posted(host: Host, transaction_ids: Sequence[str | int]) -> None:
    """Inventory transactions (adjustments, transfers, receipts) were posted.

    :param host: the host application.
    :param transaction_ids: the host ids of the posted transactions.
    """


@hookspec
def acctivate_invoice_posted(host: Host, invoice_ids: Sequence[str | int], kind: str) -> None:
    """Invoices or PO invoices were posted.

    :param host: the host application.
    :param invoice_ids: the host ids of the posted documents.
    :param kind: ``"invoice"`` for sales invoices, ``"po_invoice"`` for PO invoices (receipts).
    """


@hookspec
def acctivate_customer_created(host: Host, customer_id: str | int) -> None:
    """A customer was created.

    :param host: the host application.
    :param customer_id: the host id of the new customer.
    """


# --------------------------------------------------------------------------------------------
# Menu: called by the host on its UI thread.
# --------------------------------------------------------------------------------------------


@hookspec
def acctivate_menu_items(host: Host) -> list[MenuItem]:
    """Menu entries to add to the host; the host shows every plugin's list, flattened.

    :param host: the host application.
    :return: the plugin's entries.
    """


@hookspec
def acctivate_menu_item_selected(host: Host, item_id: str) -> None:
    """The user chose a menu entry; each plugin acts only on its own ids.

    :param host: the host application.
    :param item_id: the ``MenuItem.id`` that was chosen.
    """


# --------------------------------------------------------------------------------------------
# Status callbacks: implemented by the host UI, called by a sync plugin on its runner thread
# (never on the UI thread: the host marshals to its UI thread itself). A state that has not
# changed is not sent twice.
# --------------------------------------------------------------------------------------------


@hookspec
def acctivate_sync_started(host: Host, run: SyncRun) -> None:
    """A sync run started; if ``run.trigger == "menu"`` the user asked: show the sync window.

    :param host: the host application.
    :param run: the run, with the sections it will run in order.
    """


@hookspec
def acctivate_section_started(host: Host, run: SyncRun, section: str) -> None:
    """A section of a run started.

    :param host: the host application.
    :param run: the run.
    :param section: the section name, e.g. ``"invoices"``.
    """


@hookspec
def acctivate_section_progress(
    host: Host, run: SyncRun, section: str, done: int, total: int | None
) -> None:
    """A section made progress: ``done`` records of ``total`` (None while still counting).

    :param host: the host application.
    :param run: the run.
    :param section: the section name.
    :param done: records handled so far.
    :param total: records to handle, or None if not known yet.
    """


@hookspec
def acctivate_section_finished(
    host: Host, run: SyncRun, section: str, result: SectionResult
) -> None:
    """A section ended with exactly one result: success, warning or error.

    :param host: the host application.
    :param run: the run.
    :param section: the section name.
    :param result: outcome, counts and messages.
    """


@hookspec
def acctivate_sync_finished(host: Host, run: SyncRun, result: SyncResult) -> None:
    """A sync run ended.

    :param host: the host application.
    :param run: the run.
    :param result: the worst outcome of its sections, and each section's result.
    """


@hookspec
def acctivate_sync_indicator_changed(host: Host, indicator: Indicator) -> None:
    """The sync indicator changed: ``"idle"``, ``"syncing"`` or ``"attention"``.

    ``"attention"`` (the triangle) means a warning or error from the last run, or a bad config
    file, still needs a look. Only changes are sent.

    :param host: the host application.
    :param indicator: the new state.
    """
