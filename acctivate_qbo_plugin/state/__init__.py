"""The plugin's state in the host database: sync times, runs, the sync log, the retry list."""

from __future__ import annotations

from acctivate_qbo_plugin.state.schema import SchemaError, ensure_schema
from acctivate_qbo_plugin.state.store import (
    LogRecord,
    NewLogEntry,
    RetryRecord,
    SectionState,
    SectionSyncTime,
    StateStore,
)

__all__ = [
    "LogRecord",
    "NewLogEntry",
    "RetryRecord",
    "SchemaError",
    "SectionState",
    "SectionSyncTime",
    "StateStore",
    "ensure_schema",
]
