"""The same logical write always carries the same requestid, within QBO's length limits."""

from __future__ import annotations

import pytest

from acctivate_qbo_plugin.qbo import BatchItem, batch_request_id, request_id
from acctivate_qbo_plugin.qbo.batch import MAX_BATCH_ITEMS, chunk_items


def test_request_id_is_deterministic_and_short() -> None:
    first = request_id("9341453050623570", "invoices", "INV-1001", "create")
    again = request_id("9341453050623570", "invoices", "INV-1001", "create")
    assert first == again
    assert len(first) <= 36  # fits a batch's 36 as well as a write's 50


@pytest.mark.parametrize(
    "other",
    [
        ("9341453050623571", "invoices", "INV-1001", "create", ""),
        ("9341453050623570", "po_invoices", "INV-1001", "create", ""),
        ("9341453050623570", "invoices", "INV-1002", "create", ""),
        ("9341453050623570", "invoices", "INV-1001", "update", ""),
        ("9341453050623570", "invoices", "INV-1001", "create", "v2"),
        # Joining without a separator would make these two collide.
        ("9341453050623570", "invoicesI", "NV-1001", "create", ""),
    ],
)
def test_any_difference_gives_a_different_id(other: tuple[str, ...]) -> None:
    assert request_id(*other) != request_id("9341453050623570", "invoices", "INV-1001", "create")


def test_bad_parts_are_refused() -> None:
    with pytest.raises(ValueError, match="non-empty record_key"):
        request_id("r", "invoices", "", "create")
    with pytest.raises(TypeError, match="operation must be a string"):
        request_id("r", "invoices", "k", None)  # type: ignore[arg-type]


def test_batch_chunks_get_short_ids_and_bids() -> None:
    items = [
        BatchItem.create(
            "Customer",
            {"DisplayName": f"C{i}"},
            request_id=request_id("r", "customers", f"C{i}", "create"),
        )
        for i in range(65)
    ]
    chunks = chunk_items("r", items)
    assert [len(chunk.items) for chunk in chunks] == [MAX_BATCH_ITEMS, MAX_BATCH_ITEMS, 5]
    ids = [chunk.request_id for chunk in chunks]
    assert all(value is not None and len(value) <= 36 for value in ids)
    assert len(set(ids)) == 3
    assert [c.request_id for c in chunk_items("r", items)] == ids  # a resend replays
    bids = [entry["bId"] for entry in chunks[0].body()["BatchItemRequest"]]
    assert len(set(bids)) == 30 and max(len(b) for b in bids) <= 10


def test_a_chunk_with_a_write_lacking_an_id_gets_no_requestid() -> None:
    items = [
        BatchItem.create("Customer", {"DisplayName": "A"}, request_id="id-a"),
        BatchItem.create("Customer", {"DisplayName": "B"}, request_id=None),
    ]
    assert chunk_items("r", items)[0].request_id is None
    assert batch_request_id("r", ["id-a"]) != batch_request_id("r", ["id-b"])
