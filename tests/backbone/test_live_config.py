"""The config file reloads itself; a bad one is reported and the last good one stays."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from acctivate_qbo_plugin.fake_host import FakeHost

from .conftest import ScriptedSections, write_config

BASE = """
[sync]
debounce_seconds = 0
max_delay_seconds = 0
sync_on_start = false
"""


@pytest.fixture
def live_host(
    fake_host_factory: Callable[..., FakeHost], scripted: ScriptedSections, tmp_path: Path
) -> FakeHost:
    write_config(tmp_path, BASE)
    host = fake_host_factory(data_dir=tmp_path, catalog=scripted.catalog())
    host.start()
    host.click_menu()
    host.wait_for_runs(1)
    return host


def rewrite(host: FakeHost, text: str) -> None:
    """Change the file and wait (real time, bounded) until the watcher has reloaded it."""
    config = host.runtime.config
    version = config.version
    write_config(host.data_dir, text)
    assert config.wait_for_version(version + 1, timeout=10), "the watcher did not reload"


def test_disabling_a_section_in_the_file_skips_it_from_the_next_run(
    live_host: FakeHost, scripted: ScriptedSections
) -> None:
    first = live_host.runs()[0]
    assert "payments" in first.sections

    rewrite(live_host, BASE + "\n[sections]\npayments = false\njournals = false\n")
    live_host.click_menu()
    live_host.wait_for_runs(2)

    second = live_host.runs()[1]
    assert "payments" not in second.sections and "journals" not in second.sections
    assert "payments" not in scripted.sections_of_run(second.id)
    assert "invoices" in second.sections  # everything else still runs


def test_a_bad_file_is_reported_with_file_line_and_choices_and_the_old_one_stays(
    live_host: FakeHost, scripted: ScriptedSections
) -> None:
    rewrite(live_host, BASE + "\n[sections]\npayments = false\n")
    rewrite(live_host, BASE + "\n[sections]\npayments = false\ninvoicez = true\n")

    config = live_host.runtime.config
    path = str(live_host.data_dir / "acctivate_qbo.toml")
    assert config.error is not None
    assert path in config.error
    assert "line 9" in config.error  # the line of `invoicez = true`
    assert "unknown section 'invoicez'" in config.error
    assert "po_invoices" in config.error  # the valid choices are listed
    assert live_host.indicator_states()[-1] == "attention"

    live_host.click_menu()
    live_host.wait_for_runs(2)
    assert "payments" not in live_host.runs()[1].sections  # last good config in force

    rewrite(live_host, BASE)
    assert config.error is None
    assert live_host.indicator_states()[-1] == "idle"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[sync]\ndebounce_seconds = 'soon'\n", ["line 2", "debounce_seconds must be a number"]),
        ("[sync\n", ["not valid TOML", "line 1"]),
        ("[sync]\non_record_error = 'skip'\n", ["'skip' is not one of hold, quarantine"]),
        ("[database]\nurl = 5\n", ["url must be a string"]),
        ("[qbo]\nenvironment = 'prod'\n", ["local, production, sandbox"]),
        ("[sink]\n", ["unknown table [sink]", "database, qbo, sections, sync"]),
        ("[sync]\ndebounce = 1\n", ["unknown key 'debounce'", "debounce_seconds"]),
    ],
)
def test_each_kind_of_bad_file_says_what_and_where(
    live_host: FakeHost, text: str, expected: list[str]
) -> None:
    rewrite(live_host, text)
    error = live_host.runtime.config.error
    assert error is not None
    for fragment in expected:
        assert fragment in error
    assert live_host.runtime.settings.sync.debounce_seconds == 0  # still the good file's


def test_a_deleted_file_keeps_the_last_good_settings(live_host: FakeHost) -> None:
    rewrite(live_host, BASE + "\n[sections]\nvendors = false\n")
    config = live_host.runtime.config
    version = config.version
    (live_host.data_dir / "acctivate_qbo.toml").unlink()
    assert config.wait_for_version(version + 1, timeout=10)
    assert "deleted" in (config.error or "")
    assert live_host.runtime.settings.enabled("vendors") is False


def test_a_change_the_watcher_missed_is_read_before_the_next_run(
    fake_host_factory: Callable[..., FakeHost], scripted: ScriptedSections, tmp_path: Path
) -> None:
    write_config(tmp_path, BASE)
    host = fake_host_factory(data_dir=tmp_path, catalog=scripted.catalog(), watch_config=False)
    host.start()
    write_config(tmp_path, BASE + "\n[sections]\ncustomers = false\n")
    host.click_menu()
    host.wait_for_runs(1)
    assert "customers" not in host.runs()[0].sections
