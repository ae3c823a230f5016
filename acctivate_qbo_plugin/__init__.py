"""acctivate-qbo-plugin: keeps a host inventory ERP in sync with QuickBooks Online."""

from __future__ import annotations

__version__ = "0.1.0"
