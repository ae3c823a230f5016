"""Where the recorded QBO exchanges and entity bodies are (vendored under tests/fixtures,
with their sources and licences in SOURCES.md); ``ACCTIVATE_QBO_FIXTURES`` overrides it."""

from __future__ import annotations

import os
from pathlib import Path

QBO_FIXTURES = Path(
    os.environ.get("ACCTIVATE_QBO_FIXTURES") or Path(__file__).parent / "fixtures" / "qbo-fixtures"
)
