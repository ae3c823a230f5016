"""The default config file and the configuration reference, generated from ``config.py``.

Every key of the config file is a dataclass field in :mod:`acctivate_qbo_plugin.config` with
a docstring under it. This module reads those fields (their defaults, types and choices) and
their docstrings (from the module's source: Python keeps no field docstrings at run time),
so the commented default file that ``acctivate-qbo install`` writes and the reference table
in ``docs/configuration.md`` can never drift from what the parser accepts.

Run ``python -m acctivate_qbo_plugin.config_template`` to print the default file, or with
``--update-docs docs/configuration.md`` to refresh the generated table there.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import itertools
import sys
import textwrap
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from acctivate_qbo_plugin import config
from acctivate_qbo_plugin.config import DatabaseSettings, QboSettings, SyncSettings

__all__ = [
    "DOCS_BEGIN",
    "DOCS_END",
    "ConfigKey",
    "config_keys",
    "markdown_reference",
    "render_default_config",
    "section_lines",
    "update_markdown",
]

TABLES: tuple[tuple[str, type], ...] = (
    ("sync", SyncSettings),
    ("database", DatabaseSettings),
    ("qbo", QboSettings),
)
DOCS_BEGIN = (
    "<!-- BEGIN GENERATED: config keys (python -m acctivate_qbo_plugin.config_template) -->"
)
DOCS_END = "<!-- END GENERATED: config keys -->"
_WIDTH = 92


@dataclass(frozen=True)
class ConfigKey:
    """One key of the config file, as the parser sees it."""

    table: str
    name: str
    default: Any
    type_name: str
    doc: str
    choices: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """How the docs name it: ``[sync] interval_minutes``."""
        return f"[{self.table}] {self.name}"

    @property
    def default_toml(self) -> str:
        """The default as TOML text; ``""`` for a key that is unset by default (the parser
        treats an empty string as unset)."""
        return toml_value("" if self.default is None else self.default)


def toml_value(value: Any) -> str:
    """A scalar as TOML: strings quoted and escaped, whole floats without ``.0``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


@cache
def _field_docs() -> dict[tuple[str, str], str]:
    """``{(class name, field name): docstring}`` for every documented dataclass field."""
    tree = ast.parse(inspect.getsource(config))
    docs: dict[tuple[str, str], str] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        body = node.body
        for current, following in itertools.pairwise(body):
            if (
                isinstance(current, ast.AnnAssign)
                and isinstance(current.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[(node.name, current.target.id)] = inspect.cleandoc(following.value.value)
    return docs


def _type_description(annotation: Any, default: Any) -> tuple[str, tuple[str, ...]]:
    if typing.get_origin(annotation) is Literal:
        choices = tuple(str(choice) for choice in typing.get_args(annotation))
        return "one of " + ", ".join(f'"{c}"' for c in choices), choices
    if isinstance(default, bool):
        return "true or false", ()
    if isinstance(default, float):
        return "number", ()
    if isinstance(default, int):
        return "whole number", ()
    return "string", ()


def config_keys() -> list[ConfigKey]:
    """Every key of every table except ``[sections]``, in the order of ``config.py``."""
    docs = _field_docs()
    keys = []
    for table, cls in TABLES:
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            doc = docs.get((cls.__name__, field.name))
            if doc is None:
                raise RuntimeError(
                    f"{cls.__name__}.{field.name} in config.py has no docstring: add one under "
                    "the field, it becomes the key's documentation"
                )
            type_name, choices = _type_description(hints[field.name], field.default)
            keys.append(ConfigKey(table, field.name, field.default, type_name, doc, choices))
    return keys


def _table_doc(cls: type) -> str:
    """``[sync]``: when runs happen... -> "When runs happen..." """
    text = inspect.cleandoc(cls.__doc__ or "").split("\n\n")[0].split(":", 1)[-1].strip()
    return text[:1].upper() + text[1:]


def section_lines() -> list[tuple[str, str]]:
    """``(section name, what it syncs)`` for the ``[sections]`` table, in run order."""
    from acctivate_qbo_plugin.sections import default_catalog

    arrows = {"qbo_to_host": "QBO → host", "host_to_qbo": "host → QBO", "both_ways": "both ways"}
    return [
        (
            section.name,
            f"{arrows[section.direction.value]}: {section.host_side} "
            f"({', '.join(section.qbo_entities)})",
        )
        for section in default_catalog()
    ]


def _plain(text: str) -> str:
    """reStructuredText's double backticks as Markdown's (and TOML comments') single ones."""
    return text.replace("``", "`")


def _comment(text: str, prefix: str = "# ") -> list[str]:
    """``text`` as comment lines, each paragraph (blank-line separated) re-wrapped."""
    lines: list[str] = []
    for number, paragraph in enumerate(_plain(text).split("\n\n")):
        if number:
            lines.append(prefix.rstrip())
        wrapped = textwrap.wrap(" ".join(paragraph.split()), _WIDTH - len(prefix))
        lines.extend(prefix + line for line in wrapped)
    return lines


HEADER = """\
acctivate_qbo.toml: the settings of the QuickBooks Online sync plugin (acctivate-qbo).

Every setting is optional: each "# key = value" line below shows the default in force. To
change one, remove the "# " in front of the key and edit the value. The plugin re-reads this
file by itself when it is saved; a mistake is reported with the line and the valid choices,
and the last good settings stay in force meanwhile. Secrets (the app's client secret, the
QuickBooks tokens) never go in this file: `acctivate-qbo connect` keeps them in the token
store. Full reference: docs/configuration.md."""


def render_default_config() -> str:
    """The commented default config file: every key present, commented out, with its default."""
    lines = _comment(HEADER)
    keys = config_keys()
    for table, cls in TABLES:
        lines += ["", f"[{table}]", *_comment(_table_doc(cls))]
        for key in (k for k in keys if k.table == table):
            lines.append("")
            lines += _comment(key.doc)
            if key.default is None:
                lines.append("# Default: not set.")
            lines.append(f"# {key.name} = {key.default_toml}")
    lines += [
        "",
        "[sections]",
        *_comment(
            "Each section on (true) or off (false); a section not listed is on. Turning one "
            "off skips it from the next run on, without restarting the host."
        ),
    ]
    for name, description in section_lines():
        lines.append(f"# {name} = true".ljust(26) + f"# {description}")
    return "\n".join(lines) + "\n"


def markdown_reference() -> str:
    """The generated part of ``docs/configuration.md``: one row per key, then the sections."""
    rows = ["| key | type | default | effect |", "|---|---|---|---|"]
    for key in config_keys():
        default = "not set" if key.default is None else f"`{key.default_toml}`"
        effect = _plain(" ".join(key.doc.split())).replace("|", "\\|")
        rows.append(f"| `{key.title}` | {key.type_name} | {default} | {effect} |")
    rows += ["", "| `[sections]` key | default | what it syncs |", "|---|---|---|"]
    rows += [f"| `{name}` | `true` | {what} |" for name, what in section_lines()]
    return "\n".join([DOCS_BEGIN, *rows, DOCS_END])


def update_markdown(path: Path) -> bool:
    """Replace the generated block in ``path``; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(DOCS_BEGIN), text.find(DOCS_END)
    if start < 0 or end < start:
        raise ValueError(f"{path} has no generated block ({DOCS_BEGIN} ... {DOCS_END})")
    updated = text[:start] + markdown_reference() + text[end + len(DOCS_END) :]
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m acctivate_qbo_plugin.config_template",
        description="Print the commented default config file, or refresh the docs' reference.",
    )
    parser.add_argument("--markdown", action="store_true", help="print the reference table")
    parser.add_argument("--update-docs", type=Path, metavar="FILE", help="refresh FILE's table")
    args = parser.parse_args(argv)
    if args.update_docs is not None:
        changed = update_markdown(args.update_docs)
        print(f"{args.update_docs}: {'updated' if changed else 'already current'}")
    elif args.markdown:
        print(markdown_reference())
    else:
        sys.stdout.write(render_default_config())
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
