"""The docs in ``docs/`` stay true: every hook with its exact signature and thread, every config
key, every section, every error code, every test the guarantees cite, and a runnable example."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from acctivate_qbo_plugin.config_template import (
    DOCS_BEGIN,
    DOCS_END,
    config_keys,
    markdown_reference,
)
from acctivate_qbo_plugin.local_setup import connect_local_sandbox
from acctivate_qbo_plugin.qbo import errors as qbo_errors
from acctivate_qbo_plugin.sandbox import SandboxServer
from acctivate_qbo_plugin.sections import default_catalog
from hookspecs import spec

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PACKAGE = ROOT / "acctivate_qbo_plugin"
HOOKS = [
    (name, function)
    for name, function in inspect.getmembers(spec, inspect.isfunction)
    if name.startswith("acctivate_")
]
THREADS = ("host thread", "runner thread", "config watcher thread")
# QBO.md's list of the codes the plugin must honour.
QBO_MD_CODES = {
    "610", "2020", "2050", "2500", "2300", "5010", "6000", "6140", "6200", "6210", "6240",
    "6270", "3200", "3001", "10000",
}  # fmt: skip
DIRECTIONS = {"qbo_to_host": "QBO → host", "host_to_qbo": "Host → QBO", "both_ways": "Both ways"}


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _signature(name: str, function: object) -> str:
    return f"{name}({', '.join(inspect.signature(function).parameters)})"


@pytest.mark.parametrize(("name", "function"), HOOKS, ids=[n for n, _ in HOOKS])
def test_every_hook_is_in_the_integration_guide_with_its_thread(
    name: str, function: object
) -> None:
    rows = [
        line for line in page("integrating.md").splitlines() if line.startswith("| `acctivate_")
    ]
    row = next((r for r in rows if r.startswith(f"| `{_signature(name, function)}`")), None)
    assert row is not None, f"integrating.md has no table row for `{_signature(name, function)}`"
    assert any(thread in row for thread in THREADS), f"{name}: say which thread calls it"


def test_the_integration_guide_covers_every_hook_and_nothing_else() -> None:
    documented = set(re.findall(r"^\| `(acctivate_\w+)\(", page("integrating.md"), flags=re.M))
    assert documented == {name for name, _ in HOOKS}


def test_the_configuration_reference_is_generated_from_the_code() -> None:
    text = page("configuration.md")
    block = text[text.index(DOCS_BEGIN) : text.index(DOCS_END) + len(DOCS_END)]
    assert block == markdown_reference(), (
        "docs/configuration.md is out of date: run "
        "`python -m acctivate_qbo_plugin.config_template --update-docs docs/configuration.md`"
    )
    for key in config_keys():
        assert f"`{key.title}`" in block


@pytest.mark.parametrize("section", default_catalog(), ids=default_catalog().names)
def test_every_section_has_its_catalogue_entry(section: type) -> None:
    text = page("sections.md")
    match = re.search(rf"^## {section.name}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"sections.md has no '## {section.name}'"
    entry = match.group(1)
    assert f"**{DIRECTIONS[section.direction.value]}**" in entry
    entities = ", ".join(section.qbo_entities)
    assert f"**{entities}**" in entry or f"**{entities.replace(', ', ' ')}**" in entry
    for needed in section.prerequisites:
        assert needed in entry, f"{section.name}: say it needs {needed} first"
    assert "Warning" in entry or "Error" in entry


def _codes_in_the_code() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "sandbox" in path.parts:
            continue  # the sandbox's codes are QBO's, checked through QBO_MD_CODES
        found |= set(re.findall(r'\bcode\s*=\s*"([A-Za-z0-9_]+)"', path.read_text("utf-8")))
    return found


def _error_type_names() -> set[str]:
    from acctivate_qbo_plugin.qbo import TokenStoreError

    names = {
        name
        for name, value in vars(qbo_errors).items()
        if isinstance(value, type) and issubclass(value, qbo_errors.QboError)
    }
    names |= {cls.__name__ for cls in TokenStoreError.__subclasses__()} | {"TokenStoreError"}
    # Internal: never reaches the log (the sections page through the query instead), and the
    # classes whose every instance carries a QBO code.
    return names - {"QboError", "RecordError", "CdcWindowTooOld", "ValidationError",
                    "InvalidQuery", "StaleObject", "DuplicateName", "DuplicateDocNumber",
                    "ClosedPeriod", "InvalidReference", "JournalOutOfBalance"}  # fmt: skip


def test_every_error_code_is_explained_in_operations() -> None:
    explained: set[str] = set()
    for line in page("operations.md").splitlines():
        if line.startswith("| `"):
            explained |= set(re.findall(r"`([^`]+)`", line.split("|")[1]))
    wanted = _codes_in_the_code() | QBO_MD_CODES | set(qbo_errors._BY_CODE) | _error_type_names()
    assert {"out_of_balance", "not_connected", "6240", "TransientError"} <= wanted  # the scan works
    missing = sorted(wanted - explained)
    assert not missing, f"operations.md does not explain: {', '.join(missing)}"


def test_every_test_the_guarantees_cite_exists() -> None:
    cited = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", page("guarantees.md"))
    assert len(cited) >= 20
    for path, name in cited:
        file = ROOT / path
        assert file.exists(), f"guarantees.md cites {path}, which does not exist"
        assert re.search(rf"^def {name}\(", file.read_text("utf-8"), flags=re.M), (
            f"guarantees.md cites {path}::{name}, which does not exist"
        )


def test_every_docs_page_is_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in sorted(DOCS.glob("*.md")):
        assert f"docs/{doc.name}" in readme, f"README.md does not link docs/{doc.name}"


def test_the_example_host_is_about_fifty_lines() -> None:
    lines = (DOCS / "example_host.py").read_text(encoding="utf-8").splitlines()
    assert 35 <= len(lines) <= 70


def test_the_example_host_runs_against_the_local_sandbox(
    tmp_path: Path, qbo_sandbox: SandboxServer, acctivate_database_url: str
) -> None:
    connect_local_sandbox(
        tmp_path,
        qbo_sandbox,
        {
            "sync": {"debounce_seconds": 0, "max_delay_seconds": 0},  # start-up sync on
            "database": {"url": acctivate_database_url},
        },
    )

    done = subprocess.run(
        [sys.executable, str(DOCS / "example_host.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "indicator: syncing" in out
    assert "  accounts: success (13 created)" in out  # the chart of accounts came in
    assert re.search(r"^run \d \(menu\) finished: success$", out, flags=re.M)
    assert re.search(r"^run \d \(lookup_opened\) finished: success$", out, flags=re.M)
    assert out.rstrip().endswith("indicator: idle")
