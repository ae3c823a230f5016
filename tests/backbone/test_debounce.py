"""When runs happen: debounce, max delay, the 15-minute timer, the menu item (fake clock)."""

from __future__ import annotations

from acctivate_qbo_plugin.clock import FakeClock
from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.sections import DEFAULT_SECTION_NAMES

from .conftest import ScriptedSections


def step(clock: FakeClock, seconds: float) -> None:
    clock.advance(seconds)
    clock.settle()


def test_events_wait_for_the_quiet_period_and_run_once(
    clocked_host: FakeHost, scripted: ScriptedSections, fake_clock: FakeClock
) -> None:
    clocked_host.fire_customer_created("C1")
    step(fake_clock, 1.5)
    clocked_host.open_lookup("vendor")  # another event restarts the 2 s quiet period
    step(fake_clock, 1.5)
    assert scripted.calls == [], "ran before the host had been quiet for 2 s"

    step(fake_clock, 0.6)

    runs = clocked_host.runs()
    assert len(runs) == 1
    # customer_created -> customers, lookup vendor -> vendors, plus their prerequisite.
    assert runs[0].sections == ("code_tables", "customers", "vendors")
    assert scripted.sections_of_run(runs[0].id) == ["code_tables", "customers", "vendors"]
    assert runs[0].trigger == "customer_created"


def test_a_steady_stream_of_events_runs_after_max_delay(
    clocked_host: FakeHost, scripted: ScriptedSections, fake_clock: FakeClock
) -> None:
    for _ in range(9):
        clocked_host.fire_inventory_posted([1])
        step(fake_clock, 1.0)
    assert clocked_host.runs() == [], "never quiet, but 10 s have not passed"

    clocked_host.fire_inventory_posted([2])
    step(fake_clock, 1.0)  # 10 s after the first event

    runs = clocked_host.runs()
    assert len(runs) == 1
    assert runs[0].sections == ("accounts", "items", "inventory", "journals")


def test_the_timer_runs_every_enabled_section_every_15_minutes(
    clocked_host: FakeHost, scripted: ScriptedSections, fake_clock: FakeClock
) -> None:
    step(fake_clock, 15 * 60 - 1)
    assert clocked_host.runs() == []

    step(fake_clock, 1)
    step(fake_clock, 15 * 60)

    runs = clocked_host.runs()
    assert [r.trigger for r in runs] == ["timer", "timer"]
    assert all(r.sections == DEFAULT_SECTION_NAMES for r in runs)


def test_the_menu_item_runs_at_once(
    clocked_host: FakeHost, scripted: ScriptedSections, fake_clock: FakeClock
) -> None:
    clocked_host.fire_customer_created("C1")  # pending, debouncing
    clocked_host.click_menu("Sync with QuickBooks")
    fake_clock.settle()  # no time passes

    runs = clocked_host.runs()
    assert len(runs) == 1
    assert runs[0].trigger == "menu"
    assert runs[0].sections == DEFAULT_SECTION_NAMES


def test_the_plugin_adds_its_menu_item(clocked_host: FakeHost) -> None:
    items = clocked_host.menu_items()
    assert [(i.menu, i.label) for i in items] == [("QuickBooks", "Sync with QuickBooks")]


def test_a_run_includes_prerequisites_in_order(
    clocked_host: FakeHost, scripted: ScriptedSections, fake_clock: FakeClock
) -> None:
    clocked_host.fire_invoice_posted([101])
    step(fake_clock, 2)
    (run,) = clocked_host.runs()
    assert run.sections == ("accounts", "code_tables", "customers", "items", "invoices", "journals")


def test_unknown_lookup_refreshes_every_pull_section(
    clocked_host: FakeHost, scripted: ScriptedSections, fake_clock: FakeClock
) -> None:
    clocked_host.open_lookup("Sales Rep Lookup")
    step(fake_clock, 2)
    (run,) = clocked_host.runs()
    # accounts, code_tables, customers, vendors and payments pull; payments needs invoices and
    # invoices needs items, so those come along as prerequisites.
    assert run.sections == (
        "accounts",
        "code_tables",
        "customers",
        "vendors",
        "items",
        "invoices",
        "payments",
    )


def test_list_search_uses_the_list_name(
    clocked_host: FakeHost, scripted: ScriptedSections, fake_clock: FakeClock
) -> None:
    clocked_host.search_list("Customers", query="smith")
    step(fake_clock, 2)
    (run,) = clocked_host.runs()
    assert run.sections == ("code_tables", "customers")
