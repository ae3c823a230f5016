"""The docs stay honest: every hook and every config key is documented as it really is."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import pytest

from acctivate_qbo_plugin.config import DatabaseSettings, QboSettings, SyncSettings
from hookspecs import spec

ROOT = Path(__file__).resolve().parents[2]


def documentation() -> str:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(page.read_text(encoding="utf-8") for page in pages if page.exists())


HOOKSPECS = [
    (name, function)
    for name, function in inspect.getmembers(spec, inspect.isfunction)
    if name.startswith("acctivate_")
]


def test_there_are_hookspecs_to_check() -> None:
    assert len(HOOKSPECS) == 15


@pytest.mark.parametrize(("name", "function"), HOOKSPECS, ids=[n for n, _ in HOOKSPECS])
def test_every_hookspec_is_documented_with_its_exact_signature(name: str, function: object) -> None:
    signature = f"{name}({', '.join(inspect.signature(function).parameters)})"
    assert signature in documentation()


@pytest.mark.parametrize(("name", "function"), HOOKSPECS, ids=[n for n, _ in HOOKSPECS])
def test_every_hookspec_documents_every_parameter(name: str, function: object) -> None:
    doc = inspect.getdoc(function) or ""
    for parameter in inspect.signature(function).parameters:
        assert f":param {parameter}:" in doc, f"{name} does not document {parameter}"


CONFIG_KEYS = [
    (table, f.name)
    for table, cls in (("sync", SyncSettings), ("database", DatabaseSettings), ("qbo", QboSettings))
    for f in dataclasses.fields(cls)
]


@pytest.mark.parametrize(("table", "key"), CONFIG_KEYS, ids=[f"{t}.{k}" for t, k in CONFIG_KEYS])
def test_every_config_key_is_documented(table: str, key: str) -> None:
    assert f"`[{table}] {key}`" in documentation()
