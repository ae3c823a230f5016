"""Which host rows a push must read: those changed since the sync time that are not already
in QBO as they are.

A row whose change time is the one its link last matched (``Link.host_changed_at``) is in QBO
as it is, so a review that meets thousands of such rows (a held sync time) lists them without
reading them. When the plugin's tables share the host database the database leaves them out
itself (one index scan); otherwise they are filtered here against one read of the links.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from acctivate_qbo_plugin.hostdata import HostData
    from acctivate_qbo_plugin.state.mapping import MappingStore

__all__ = ["unsettled_stamps"]


def unsettled_stamps(
    host: HostData, mapping: MappingStore, kind: str, since: datetime | None, *, page: int
) -> Iterator[list[tuple[str, datetime]]]:
    """Pages of (key, change time), oldest first, of the rows of ``kind`` changed since
    ``since`` that are not in QBO as of that change time."""
    # getattr: a host written against HostData before these two existed still syncs.
    if getattr(host, "shares_plugin_database", False):
        yield from host.changed_stamps(
            kind, since, chunk=page, unless=mapping.settled_condition(kind)
        )
        return
    settled = mapping.settled_stamps(kind, since)
    for stamps in _stamps(host, kind, since, page):
        yield [(key, stamp) for key, stamp in stamps if settled.get(key) != stamp]


def _stamps(
    host: HostData, kind: str, since: datetime | None, page: int
) -> Iterator[list[tuple[str, datetime]]]:
    if hasattr(host, "changed_stamps"):
        yield from host.changed_stamps(kind, since, chunk=page)
        return
    for records in host.changed(kind, since, chunk=page):
        yield [(r.key, r.changed_at) for r in records if r.changed_at is not None]
