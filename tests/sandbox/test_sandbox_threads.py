"""Thread safety: parallel clients over real sockets never corrupt the store."""

from __future__ import annotations

import threading
from collections import Counter

from sandbox_http import QboHttp

from acctivate_qbo_plugin.sandbox import SandboxServer

THREADS = 12
PER_THREAD = 15


def _run_in_threads(work: list[threading.Thread]) -> None:
    for thread in work:
        thread.start()
    for thread in work:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in work)


def test_parallel_creates_with_unique_names_all_succeed_with_unique_ids(
    sandbox: SandboxServer,
) -> None:
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def worker(number: int) -> None:
        client = QboHttp(sandbox)
        for index in range(PER_THREAD):
            response = client.create("Customer", {"DisplayName": f"Parallel {number}-{index}"})
            entity_id = response.json()["Customer"]["Id"] if response.status_code == 200 else ""
            with lock:
                results.append((response.status_code, entity_id))
        client.close()

    _run_in_threads([threading.Thread(target=worker, args=(n,)) for n in range(THREADS)])
    assert [status for status, _ in results] == [200] * THREADS * PER_THREAD
    ids = [entity_id for _, entity_id in results]
    assert len(set(ids)) == len(ids)
    stored = [c for c in sandbox.entities("Customer") if c["DisplayName"].startswith("Parallel ")]
    assert len(stored) == THREADS * PER_THREAD


def test_parallel_creates_of_one_name_let_exactly_one_win(sandbox: SandboxServer) -> None:
    outcomes: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def worker() -> None:
        client = QboHttp(sandbox)
        start.wait(timeout=10)
        response = client.create("Vendor", {"DisplayName": "Contested Name"})
        with lock:
            outcomes.append(response.status_code)
        client.close()

    _run_in_threads([threading.Thread(target=worker) for _ in range(THREADS)])
    assert Counter(outcomes) == {200: 1, 400: THREADS - 1}


def test_parallel_stock_moves_add_up(sandbox: SandboxServer) -> None:
    before = sandbox.entity("Item", "11")["QtyOnHand"]

    def worker() -> None:
        client = QboHttp(sandbox)
        line = {
            "DetailType": "ItemAdjustmentLineDetail",
            "ItemAdjustmentLineDetail": {"ItemRef": {"value": "11"}, "QtyDiff": 1},
        }
        for _ in range(5):
            assert (
                client.create(
                    "InventoryAdjustment", {"AdjustAccountRef": {"value": "91"}, "Line": [line]}
                ).status_code
                == 200
            )
        client.close()

    _run_in_threads([threading.Thread(target=worker) for _ in range(8)])
    assert sandbox.entity("Item", "11")["QtyOnHand"] == before + 40
    doc_numbers = [adj["DocNumber"] for adj in sandbox.entities("InventoryAdjustment")]
    assert len(set(doc_numbers)) == 40
