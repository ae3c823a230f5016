"""pytest plugin (entry point ``pytest11``): the fake host, a fresh database, the QBO sandbox.

Fixtures:

``acctivate_database_url``
    A fresh, empty database for one test: a SQLite file, or, when
    ``ACCTIVATE_QBO_TEST_DATABASE_URL`` names a PostgreSQL server, a new schema on it
    (dropped afterwards).
``fake_host_factory``
    ``fake_host_factory(**options)`` builds a :class:`~acctivate_qbo_plugin.fake_host.FakeHost`
    with a fresh plugin manager loaded through the real entry points, its own data directory
    and the test database; every host is closed at teardown. ``options`` are
    :class:`~acctivate_qbo_plugin.runtime.RuntimeOptions` fields (``clock``, ``catalog``, ...).
``fake_host``
    One such host with the defaults (not started).
``qbo_sandbox`` / ``qbo_sandbox_factory``
    The local QBO sandbox server (see :mod:`acctivate_qbo_plugin.sandbox.fixtures`).
``connected_host_factory``
    ``connected_host_factory(sync={...}, sections={...}, qbo={...}, sandbox=None,
    sandbox_settings={...}, **options)``: a fake
    host whose plugin is connected to a fresh local sandbox (tokens in its token store,
    ``[qbo]`` pointing at the sandbox), syncing at once on request (no debounce, no start-up
    sync), started unless ``start=False``; ``host.sandbox`` is the server.

Imports are lazy so that merely having this package installed costs other projects' test
runs nothing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from acctivate_qbo_plugin.fake_host import FakeHost

TEST_DATABASE_ENV = "ACCTIVATE_QBO_TEST_DATABASE_URL"


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.import_plugin("acctivate_qbo_plugin.sandbox.fixtures")


def test_database_server_url() -> str | None:
    """The server URL the suite runs against, or None for SQLite files."""
    return os.environ.get(TEST_DATABASE_ENV) or None


@pytest.fixture
def acctivate_database_url(tmp_path: Path) -> Iterator[str]:
    server = test_database_server_url()
    if server is None or server.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'host.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(server).update_query_dict(
        {"options": f"-csearch_path={schema}", "application_name": schema}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # Other sessions of this test may linger in pools for a moment; end them first.
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :schema AND pid <> pg_backend_pid()"
                ),
                {"schema": schema},
            )
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def fake_host_factory(
    tmp_path: Path, acctivate_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., FakeHost]]:
    from acctivate_qbo_plugin.fake_host import FakeHost
    from acctivate_qbo_plugin.runtime import RuntimeOptions

    # A stray config in the developer's environment must not leak into a test.
    monkeypatch.delenv("ACCTIVATE_QBO_CONFIG", raising=False)
    hosts: list[FakeHost] = []

    def make(
        *, data_dir: Path | None = None, database_url: str | None = None, **options: Any
    ) -> FakeHost:
        directory = data_dir or tmp_path / f"host{len(hosts)}"
        directory.mkdir(parents=True, exist_ok=True)
        host = FakeHost(
            data_dir=directory,
            database_url=database_url or acctivate_database_url,
            runtime_options=RuntimeOptions(**options),
        )
        hosts.append(host)
        return host

    yield make
    for host in hosts:
        host.close()


@pytest.fixture
def fake_host(fake_host_factory: Callable[..., FakeHost]) -> FakeHost:
    return fake_host_factory()


@pytest.fixture
def connected_host_factory(
    fake_host_factory: Callable[..., FakeHost],
    qbo_sandbox_factory: Callable[..., Any],
    tmp_path: Path,
) -> Callable[..., FakeHost]:
    from acctivate_qbo_plugin.local_setup import connect_local_sandbox

    count = 0

    def make(
        *,
        sandbox: Any = None,
        sync: dict[str, Any] | None = None,
        sections: dict[str, bool] | None = None,
        qbo: dict[str, Any] | None = None,
        sandbox_settings: dict[str, Any] | None = None,
        database: dict[str, Any] | None = None,
        start: bool = True,
        **options: Any,
    ) -> FakeHost:
        nonlocal count
        count += 1
        server = sandbox or qbo_sandbox_factory(**(sandbox_settings or {}))
        directory = tmp_path / f"company{count}"
        connect_local_sandbox(
            directory,
            server,
            {
                "sync": {
                    "debounce_seconds": 0,
                    "max_delay_seconds": 0,
                    "sync_on_start": False,
                    **(sync or {}),
                },
                "sections": dict(sections or {}),
                "qbo": dict(qbo or {}),
                **({"database": dict(database)} if database else {}),
            },
        )
        host = fake_host_factory(data_dir=directory, **options)
        host.sandbox = server
        if start:
            host.start()
        return host

    return make
