"""Optional persistence: the whole sandbox state as one JSON file, written atomically.

The file is written to a temporary sibling, flushed to disk and moved over the old one with
``os.replace``, so a crash leaves either the old or the new state, never half of one. It is
created with mode 0600: it holds token digests and every record of the company.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

FILE_FORMAT = 1


def save_state(path: str | os.PathLike[str], state: dict[str, Any]) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(
        {"format": FILE_FORMAT, **state}, ensure_ascii=False, separators=(",", ":")
    )
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, 0o600)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def load_state(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The saved state, or None when the file does not exist yet."""
    target = Path(path)
    if not target.exists():
        return None
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(
            f"cannot load the sandbox state from {target}: {exc}; fix or delete the file "
            "to start from the seed company"
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        raise ValueError(
            f"{target} is not a sandbox state file (format {FILE_FORMAT}); delete it to start over"
        )
    return data
