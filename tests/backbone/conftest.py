"""Sections defined by the tests: the real section names, order and prerequisites, with
behaviour each test scripts (succeed, warn, fail, raise, block until released)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from acctivate_qbo_plugin.clock import FakeClock
from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.sections import SectionCatalog, SectionContext, default_catalog

Behaviour = Callable[[SectionContext], None]


@dataclass
class ScriptedSections:
    """A catalog whose sections do what the test says and record every call."""

    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    calls: list[tuple[int, str]] = field(default_factory=list)  # (run id, section)
    contexts: list[SectionContext] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def catalog(self) -> SectionCatalog:
        scripted = self

        def make(base: type) -> type:
            def sync(self: object, ctx: SectionContext) -> None:
                with scripted.lock:
                    scripted.calls.append((ctx.run.id, ctx.section))
                    scripted.contexts.append(ctx)
                behaviour = scripted.behaviours.get(ctx.section)
                if behaviour is not None:
                    behaviour(ctx)

            return type(base.__name__, (base,), {"sync": sync})

        return SectionCatalog(make(section) for section in default_catalog())

    def sections_of_run(self, run_id: int) -> list[str]:
        return [name for rid, name in self.calls if rid == run_id]


@pytest.fixture
def scripted() -> ScriptedSections:
    return ScriptedSections()


def write_config(directory: Path, text: str) -> Path:
    path = directory / "acctivate_qbo.toml"
    # Write then rename, as editors do, so the watcher never reads a half-written file.
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


QUIET = """
[sync]
debounce_seconds = 2
max_delay_seconds = 10
interval_minutes = 15
sync_on_start = false
"""


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def clocked_host(
    fake_host_factory: Callable[..., FakeHost],
    scripted: ScriptedSections,
    fake_clock: FakeClock,
    tmp_path: Path,
) -> FakeHost:
    """A started host on a fake clock with scripted sections and no start-up sync."""
    data_dir = tmp_path / "clocked"
    data_dir.mkdir()
    write_config(data_dir, QUIET)
    host = fake_host_factory(data_dir=data_dir, clock=fake_clock, catalog=scripted.catalog())
    host.start()
    fake_clock.settle()
    return host
