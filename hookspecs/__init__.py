"""The contract between a host ERP and its plugins: the ``acctivate`` hooks.

How to write a plugin
---------------------
A plugin is any module or object with functions marked by :data:`hookimpl` whose names match
the specs in :mod:`hookspecs.spec`. Register it under the ``acctivate`` entry-point group so a
host finds it::

    # pyproject.toml
    [project.entry-points.acctivate]
    myplugin = "my_package.plugin"

    # my_package/plugin.py
    from hookspecs import hookimpl

    @hookimpl
    def acctivate_invoice_posted(host, invoice_ids, kind):
        ...  # return at once: record what to do and let a worker thread do it

Arguments are passed by keyword and an implementation may accept fewer arguments than the
spec offers, so new arguments can be added later without breaking anyone.

How a host loads plugins: :func:`hookspecs.manager.make_plugin_manager`.
"""

from __future__ import annotations

import pluggy

from hookspecs.host import (
    INDICATOR_STATES,
    Counts,
    Host,
    Indicator,
    MenuItem,
    Outcome,
    SectionResult,
    SyncResult,
    SyncRun,
    worst_outcome,
)

NAME = "acctivate"
"""The project name: the entry-point group, and the prefix of every hook."""

hookspec = pluggy.HookspecMarker(NAME)
hookimpl = pluggy.HookimplMarker(NAME)

__all__ = [
    "INDICATOR_STATES",
    "NAME",
    "Counts",
    "Host",
    "Indicator",
    "MenuItem",
    "Outcome",
    "SectionResult",
    "SyncResult",
    "SyncRun",
    "hookimpl",
    "hookspec",
    "worst_outcome",
]
