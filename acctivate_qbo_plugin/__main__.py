"""``python -m acctivate_qbo_plugin`` is ``acctivate-qbo``."""

from __future__ import annotations

import sys

from acctivate_qbo_plugin.cli import main

sys.exit(main())
