"""Setting keys in the administrator's config file without losing a comment.

``acctivate-qbo connect`` must record the realm id, client id and environment in the config
file, which is the administrator's own: its comments, order and layout stay as they are.
``tomllib`` cannot write, and a round-trip TOML library would be a new dependency for one
table of scalars, so this is a careful line edit of one ``[table]``:

- an active ``key = value`` line gets the new value (its trailing comment stays);
- else a commented-out ``# key = ...`` line (as the default file has for every key) becomes
  the active line, so the key's documentation stays right above it;
- else the key is added at the end of the table, and a missing table is appended;
- a key to unset has its active line commented out, so its default applies again.

The result is parsed again and must hold exactly the values asked for; anything the line edit
cannot handle (an inline ``qbo = {...}`` table, dotted keys, a multi-line string) is refused
with a message saying what to set by hand, and the file is left untouched.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from acctivate_qbo_plugin.config_template import toml_value

__all__ = ["ConfigEditError", "set_config_values"]

_HEADER = re.compile(r"^\s*\[\s*(?P<name>[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")
_VALUE = r"(?P<value>\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^\s#]+)"


class ConfigEditError(ValueError):
    """The config file could not be edited safely; the message says what to set by hand."""


def _key_pattern(key: str) -> str:
    return rf"(?P<key>{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')"


def _table_range(lines: list[str], table: str) -> tuple[int, int] | None:
    """(header index, end index) of ``[table]``, the end exclusive; None if absent."""
    start = None
    for index, line in enumerate(lines):
        match = _HEADER.match(line)
        if start is None:
            if match and match.group("name").strip("\"'") == table:
                start = index
        elif _ANY_HEADER.match(line):
            return start, index
    return None if start is None else (start, len(lines))


def _set_one(lines: list[str], start: int, end: int, key: str, rendered: str) -> list[str]:
    active = re.compile(rf"^(?P<indent>\s*){_key_pattern(key)}(?P<eq>\s*=\s*){_VALUE}(?P<rest>.*)$")
    commented = re.compile(rf"^(?P<indent>\s*)#\s*{_key_pattern(key)}\s*=")
    for index in range(start + 1, end):
        match = active.match(lines[index])
        if match:
            if match.group("value").startswith(('"""', "'''")):
                raise ConfigEditError(f"{key} is a multi-line string")
            lines[index] = (
                f"{match.group('indent')}{match.group('key')}{match.group('eq')}{rendered}"
                f"{match.group('rest')}"
            )
            return lines
    for index in range(start + 1, end):
        match = commented.match(lines[index])
        if match:
            lines[index] = f"{match.group('indent')}{key} = {rendered}"
            return lines
    # Add it after the table's last non-blank line.
    position = end
    while position - 1 > start and not lines[position - 1].strip():
        position -= 1
    lines.insert(position, f"{key} = {rendered}")
    return lines


def _unset_one(lines: list[str], start: int, end: int, key: str) -> list[str]:
    active = re.compile(rf"^(?P<indent>\s*){_key_pattern(key)}\s*=")
    for index in range(start + 1, end):
        match = active.match(lines[index])
        if match:
            lines[index] = f"{match.group('indent')}# {lines[index].lstrip()}"
    return lines


def _edited(text: str, table: str, values: Mapping[str, Any], unset: tuple[str, ...] = ()) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines()
    if _table_range(lines, table) is None:
        while lines and not lines[-1].strip():
            lines.pop()
        if lines:
            lines.append("")
        lines.append(f"[{table}]")
    for key, value in values.items():
        found = _table_range(lines, table)
        assert found is not None
        lines = _set_one(lines, *found, key, toml_value(value))
    for key in unset:
        found = _table_range(lines, table)
        assert found is not None
        lines = _unset_one(lines, *found, key)
    return newline.join(lines) + newline


def set_config_values(
    path: Path, table: str, values: Mapping[str, Any], *, unset: Iterable[str] = ()
) -> None:
    """Set each ``key = value`` of ``values`` in ``[table]`` of the file at ``path``, and
    comment out the keys in ``unset`` (so their defaults apply again).

    The file is created if missing and replaced atomically (same permissions); on any doubt
    :class:`ConfigEditError` is raised and the file is not touched.
    """
    unset = tuple(unset)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    by_hand = ", ".join(f"{key} = {toml_value(value)}" for key, value in values.items())
    advice = f"Set these in the [{table}] table of {path} by hand: {by_hand}"
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigEditError(f"{path} is not valid TOML ({exc}). {advice}") from None
    try:
        updated = _edited(text, table, values, unset)
        data = tomllib.loads(updated)
    except (ConfigEditError, tomllib.TOMLDecodeError) as exc:
        raise ConfigEditError(f"{path} could not be edited safely ({exc}). {advice}") from None
    written = data.get(table)
    if (
        not isinstance(written, dict)
        or any(written.get(k) != v for k, v in values.items())
        or any(k in written for k in unset)
    ):
        raise ConfigEditError(
            f"{path} defines [{table}] in a form this editor does not change (an inline table "
            f"or dotted keys). {advice}"
        )
    _replace(path, updated)


def _replace(path: Path, text: str) -> None:
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
