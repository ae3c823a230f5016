"""The company every sandbox starts with, loaded from ``data/seed_company.json``.

Dates that must stay realistic whatever day the tests run are filled in here: MetaData 40 days
before start-up (older than a 30-day CDC window, so a fresh sandbox reports no changes), item
inventory start dates a year back, and BookCloseDate 60 days back unless configured.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

from acctivate_qbo_plugin.sandbox.entities import require_spec
from acctivate_qbo_plugin.sandbox.handlers_base import ordered
from acctivate_qbo_plugin.sandbox.store import EntityStore, Record
from acctivate_qbo_plugin.sandbox.timefmt import CompanyCalendar
from acctivate_qbo_plugin.sandbox.writes import HANDLERS

SEED_AGE = dt.timedelta(days=40)
INVENTORY_START_AGE = dt.timedelta(days=365)
DEFAULT_CLOSE_AGE = dt.timedelta(days=60)
ALWAYS_PRESENT = ("Preferences", "CompanyInfo")  # every QBO company has these two


def load_seed_data() -> dict[str, list[Record]]:
    text = resources.files("acctivate_qbo_plugin.sandbox").joinpath("data/seed_company.json")
    data: dict[str, Any] = json.loads(text.read_text(encoding="utf-8"))
    return {name: records for name, records in data.items() if isinstance(records, list)}


def seed_store(
    store: EntityStore,
    calendar: CompanyCalendar,
    now: dt.datetime,
    *,
    full: bool,
    book_close_date: dt.date | None,
) -> None:
    """Load the seed company (or, when ``full`` is false, just Preferences and CompanyInfo)."""
    stamp = calendar.metadata_stamp(now - SEED_AGE)
    today = calendar.today(now)
    placeholders = {
        "@INV_START": (today - INVENTORY_START_AGE).isoformat(),
        "@BOOK_CLOSE": (book_close_date or today - DEFAULT_CLOSE_AGE).isoformat(),
    }
    for entity, records in load_seed_data().items():
        if not full and entity not in ALWAYS_PRESENT:
            continue
        require_spec(entity)
        for raw in records:
            record = _fill_placeholders(raw, placeholders)
            record.update(
                {
                    "domain": "QBO",
                    "sparse": False,
                    "SyncToken": "0",
                    "MetaData": {"CreateTime": stamp, "LastUpdatedTime": stamp},
                }
            )
            handler = HANDLERS.get(entity)
            record = ordered(record, handler.order) if handler else _server_keys_last(record)
            store.put(entity, record)


def _fill_placeholders(value: Any, placeholders: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {key: _fill_placeholders(item, placeholders) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill_placeholders(item, placeholders) for item in value]
    if isinstance(value, str) and value in placeholders:
        return placeholders[value]
    return value


def _server_keys_last(record: Record) -> Record:
    """QBO lists domain/sparse/Id/SyncToken/MetaData after a list entity's own fields."""
    keys = ("domain", "sparse", "Id", "SyncToken", "MetaData")
    body = {k: v for k, v in record.items() if k not in keys}
    return body | {k: record[k] for k in keys}
