"""Project-wide test settings. The fixtures come from the package's own pytest plugin
(``acctivate_qbo_plugin.testing``), loaded through its ``pytest11`` entry point."""
