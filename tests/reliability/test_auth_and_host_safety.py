"""Token expiry and dead grants; the host never blocked or broken by the plugin."""

from __future__ import annotations

import threading
import time

import pytest

from acctivate_qbo_plugin.fake_host import FakeHost
from hookspecs import hookimpl

from .conftest import assert_exactly_once, seed


def replace(path, text: str) -> None:
    """Save as editors do: a new file renamed over the old one."""
    temporary = path.with_suffix(".saving")
    temporary.write_text(text)
    temporary.replace(path)


class AtSection:
    """Do something the moment a section starts (a bookkeeper, an outage...)."""

    def __init__(self, section: str, action) -> None:
        self.section, self.action, self.fired = section, action, 0

    @hookimpl
    def acctivate_section_started(self, section: str) -> None:
        if section == self.section and not self.fired:
            self.fired += 1
            self.action()


def test_an_access_token_expiring_mid_run_is_refreshed_once(connected_host_factory) -> None:
    host: FakeHost = connected_host_factory()
    host.sync_now()
    seed(host, invoices=20)
    host.pm.register(AtSection("items", host.sandbox.expire_access_tokens))
    result = host.sync_now()
    assert result.outcome in ("success", "warning"), result.messages
    assert host.sandbox.count_requests("token") == 1
    assert_exactly_once(host)


def test_a_dead_grant_stops_the_sync_asks_for_reconnect_and_spares_the_token_endpoint(
    connected_host_factory,
) -> None:
    host: FakeHost = connected_host_factory()
    host.sync_now()
    host.sandbox.revoke_refresh_tokens()
    host.sandbox.expire_access_tokens()
    first = host.sync_now()
    assert first.outcome == "error"
    assert list(first.sections) == ["accounts"]  # the run stopped at once
    assert any("reconnect" in m.lower() for m in first.messages)
    assert host.indicator_states()[-1] == "attention"
    (entry,) = host.runtime.store.log_entries(level="error")
    assert "acctivate-qbo connect" in entry.fix_hint
    for _ in range(3):
        assert host.sync_now().outcome == "error"
    assert host.sandbox.count_requests("token") == 1  # asked once, never again


def test_not_connected_is_one_clear_error(connected_host_factory) -> None:
    host: FakeHost = connected_host_factory(start=False)
    (host.data_dir / "qbo_tokens.json").unlink()
    host.start()
    result = host.sync_now()
    assert result.outcome == "error" and list(result.sections) == ["accounts"]
    assert "no QuickBooks tokens" in result.sections["accounts"].messages[0]
    assert "acctivate-qbo connect" in host.runtime.store.log_entries(level="error")[0].fix_hint


def test_hooks_stay_instant_while_quickbooks_hangs_and_closing_is_bounded(
    connected_host_factory,
) -> None:
    host: FakeHost = connected_host_factory(sync={"shutdown_timeout_seconds": 1.0})
    host.sync_now()
    hanging = threading.Event()
    host.pm.register(AtSection("accounts", hanging.set))
    host.sandbox.faults.latency(30.0)  # QuickBooks stops answering
    host.click_menu()
    assert hanging.wait(10)
    slowest = 0.0
    for n in range(500):
        started = time.perf_counter()
        host.fire_invoice_posted([n])
        host.open_lookup("customer")
        slowest = max(slowest, time.perf_counter() - started)
    assert slowest < 0.05, f"a hook call took {slowest * 1000:.1f} ms while QBO hung"
    started = time.monotonic()
    host.close()
    assert time.monotonic() - started < 5
    host.sandbox.faults.reset()


def test_a_locked_database_never_blocks_a_hook(
    connected_host_factory, acctivate_database_url
) -> None:
    from sqlalchemy import create_engine, text

    host: FakeHost = connected_host_factory(sync={"shutdown_timeout_seconds": 1.0})
    host.sync_now()
    locker = create_engine(acctivate_database_url)
    with locker.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN EXCLUSIVE")
        else:
            connection.execute(text('LOCK TABLE "tbSyncRun" IN ACCESS EXCLUSIVE MODE'))
        host.click_menu()  # the run will wait on the lock
        slowest = 0.0
        for n in range(200):
            started = time.perf_counter()
            host.fire_customer_created(n)
            slowest = max(slowest, time.perf_counter() - started)
        assert slowest < 0.05
        started = time.monotonic()
        host.close()
        assert time.monotonic() - started < 5
        connection.rollback()
    locker.dispose()


@pytest.mark.parametrize("kind", ["deleted", "truncated", "invalid", "missing_database"])
def test_config_faults_keep_the_last_good_settings_and_the_host_working(
    connected_host_factory, kind: str
) -> None:
    host: FakeHost = connected_host_factory()
    assert host.sync_now().outcome == "success"
    config_file = host.data_dir / "acctivate_qbo.toml"
    good = config_file.read_text()
    config = host.runtime.config
    version = config.version
    if kind == "deleted":
        config_file.unlink()
    elif kind == "truncated":
        config_file.write_text(good[: len(good) // 2 - 7])  # an editor died mid-write
    elif kind == "invalid":
        replace(config_file, good.replace("debounce_seconds = 0", "debounce_seconds = -1"))
    else:
        replace(config_file, good + '\n[database]\nurl = "sqlite:////no/such/dir/x.db"\n')
    if kind != "missing_database":
        assert config.wait_for_version(version + 1, 10)
        assert config.error is not None and str(config_file) in config.error
        assert host.runtime.settings.qbo.realm_id == host.sandbox.realm_id  # last good kept
        result = host.sync_now()
        assert result.outcome == "success"  # the host keeps syncing on the last good settings
    else:
        assert config.wait_for_version(version + 1, 10)
        result = host.sync_now()
        assert result.outcome == "error"
        assert "cannot open the sync database" in result.messages[0]
    host.fire_customer_created(1)  # hooks keep working
    version = config.version
    replace(config_file, good)
    assert config.wait_for_version(version + 1, 10)
    assert config.error is None
    assert host.sync_now().outcome in ("success", "warning")
