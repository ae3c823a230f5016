"""Against a time-scaled sandbox, a threaded burst stays under every limit: no 429 at all."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from qbo_test_support import oauth_for, store_with_tokens

from acctivate_qbo_plugin.qbo import (
    ClientSettings,
    QboClient,
    RateLimits,
    TokenManager,
)

SCALE = 4.0  # a "second" lasts 0.25 s on both sides (robust to a loaded machine)


def test_burst_of_50_from_8_threads_is_never_throttled(
    caplog: pytest.LogCaptureFixture, qbo_sandbox_factory: Any, tmp_path: Any
) -> None:
    caplog.set_level(logging.WARNING, logger="acctivate_qbo_plugin.qbo")
    sandbox = qbo_sandbox_factory(time_scale=SCALE, requests_per_second=10, requests_per_minute=500)
    sandbox.faults.latency(0.02)  # requests overlap, so the in-flight cap matters
    store = store_with_tokens(tmp_path / "t.json", sandbox.realm_id, sandbox.issue_tokens())
    tokens = TokenManager(store, sandbox.realm_id, oauth_for(sandbox))
    limits = RateLimits.time_scaled(SCALE, window_margin=0.4)
    settings = ClientSettings(limits=limits)
    errors: list[BaseException] = []
    done: list[str] = []
    with QboClient(sandbox.base_url, sandbox.realm_id, tokens, settings=settings) as client:
        sandbox.reset_request_log()
        jobs = iter(range(50))
        lock = threading.Lock()

        def worker() -> None:
            while True:
                with lock:
                    if next(jobs, None) is None:
                        return
                try:
                    done.append(client.company_info().entity["CompanyName"])
                except BaseException as exc:  # collected and asserted below
                    errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert errors == [] and len(done) == 50
    assert "throttled" not in caplog.text  # the client never met a 429/403 ...
    statuses = [record.status for record in sandbox.request_log]
    assert 429 not in statuses and 403 not in statuses  # ... and the server never sent one
