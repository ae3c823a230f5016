"""Benchmarks of acctivate-qbo-plugin: ``python -m bench`` (full) or ``--quick`` (CI).

One module per figure of issue 6 (``hooks``, ``coalescing``, ``push``, ``rereview``, ``pull``,
``history``, ``throughput``), each with ``NAME``, ``TITLE``, ``NUMBER`` (the
issue's) and ``run(ctx) -> list[Figure]``;
``harness`` holds timing, percentiles, the result record and the writers.
"""

from __future__ import annotations

__all__: list[str] = []
