"""Building the plugin manager: in a factory, never at import time."""

from __future__ import annotations

import pluggy

from hookspecs import NAME, spec


def make_plugin_manager(*, load_entrypoints: bool = True) -> pluggy.PluginManager:
    """A fresh plugin manager with the ``acctivate`` hookspecs and every installed plugin.

    :param load_entrypoints: load the plugins registered under the ``acctivate`` entry-point
        group (what a real host does); tests may pass False and register plugins themselves.
    """
    pm = pluggy.PluginManager(NAME)
    pm.add_hookspecs(spec)
    if load_entrypoints:
        pm.load_setuptools_entrypoints(NAME)
    pm.check_pending()
    return pm
