"""Child process for the peak-memory figure: push one prepared company, report its peak RSS.

    python -m bench.push_memory <company directory> <first invoice id> <last invoice id>

The parent prepared the company (connected, first sync done, records loaded) and closed it,
so this process's high-water mark is the interpreter, the plugin, and the push, nothing else.
Prints one JSON line.

The peak is ``VmHWM`` (the high-water RSS of this process's own memory map), not
``getrusage().ru_maxrss``: on Linux the latter survives ``fork`` + ``exec`` and starts at the
*parent's* RSS at the time of the fork, which here would be the benchmark runner's.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _status_kb(field: str) -> int:
    """A ``/proc/self/status`` memory figure (VmRSS, VmHWM) in KiB."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}: the memory figure needs Linux")


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    directory, first, last = Path(argv[0]), int(argv[1]), int(argv[2])
    from bench.company import UNLIMITED_CLIENT, open_company, run_after

    # Connected already (config and tokens in the directory): no sandbox to pass.
    host, timer = open_company(directory, None, client_settings=UNLIMITED_CLIENT)
    try:
        host.wait_until_idle(60)
        before = _status_kb("VmRSS")
        started = time.perf_counter()
        pushed = run_after(
            host,
            timer,
            lambda: host.fire_invoice_posted(list(range(first, last + 1))),
            timeout=1800,
        )
        seconds = time.perf_counter() - started
    finally:
        host.close()
    assert pushed.result is not None
    print(
        json.dumps(
            {
                "peak_kb": _status_kb("VmHWM"),
                "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "rss_before_kb": before,
                "seconds": seconds,
                "created": pushed.result.counts.created,
                "errors": pushed.result.counts.errors,
                "outcome": pushed.result.outcome,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
