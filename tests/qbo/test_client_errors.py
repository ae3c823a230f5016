"""QBO codes map to the error classes the sections act on, each with a fix hint."""

from __future__ import annotations

import json

import pytest

from acctivate_qbo_plugin.qbo import (
    AuthError,
    ClosedPeriod,
    DuplicateDocNumber,
    DuplicateName,
    HttpReply,
    InvalidQuery,
    InvalidReference,
    JournalOutOfBalance,
    QboError,
    ReconnectNeeded,
    RecordError,
    StaleObject,
    Throttled,
    TransientError,
    UnexpectedFault,
    ValidationError,
    register_secret,
)
from acctivate_qbo_plugin.qbo.faults import check_reply


def fault_reply(code: str, status: int = 400, message: str = "msg", detail: str = "") -> HttpReply:
    body = {
        "Fault": {
            "Error": [{"Message": message, "Detail": detail, "code": code}],
            "type": "ValidationFault",
        },
        "time": "2024-05-07T15:49:02.469-07:00",
    }
    return HttpReply(status, {"intuit_tid": "1-abc"}, json.dumps(body).encode())


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("5010", 400, StaleObject),
        ("6240", 400, DuplicateName),
        ("6140", 400, DuplicateDocNumber),
        ("6200", 400, ClosedPeriod),
        ("6210", 400, ClosedPeriod),
        ("610", 400, InvalidReference),
        ("2500", 400, InvalidReference),
        ("2300", 400, JournalOutOfBalance),
        ("2010", 400, ValidationError),
        ("2020", 400, ValidationError),
        ("2030", 400, ValidationError),
        ("2050", 400, ValidationError),
        ("2170", 400, ValidationError),
        ("2260", 400, ValidationError),
        ("6000", 400, ValidationError),
        ("6270", 400, ValidationError),
        ("6430", 400, ValidationError),
        ("4000", 400, InvalidQuery),
        ("4001", 400, InvalidQuery),
        ("4002", 400, InvalidQuery),
        ("3200", 401, AuthError),
        ("100", 401, AuthError),
        ("120", 401, ReconnectNeeded),
        ("3001", 429, Throttled),
        ("3001", 403, Throttled),
        ("10000", 500, TransientError),
        ("3100", 500, TransientError),
        ("6000", 503, TransientError),
        ("500", 400, UnexpectedFault),
        ("600", 400, UnexpectedFault),
    ],
)
def test_code_maps_to_class(code: str, status: int, expected: type[QboError]) -> None:
    with pytest.raises(QboError) as caught:
        check_reply(fault_reply(code, status))
    error = caught.value
    assert type(error) is expected
    assert (error.code, error.status, error.intuit_tid) == (code, status, "1-abc")
    assert error.fix_hint.endswith(".")


def test_section_facing_groups() -> None:
    for cls in (
        StaleObject,
        DuplicateName,
        DuplicateDocNumber,
        ClosedPeriod,
        InvalidReference,
        JournalOutOfBalance,
        ValidationError,
        InvalidQuery,
    ):
        assert issubclass(cls, RecordError)
    assert issubclass(ReconnectNeeded, AuthError)
    assert not issubclass(Throttled, RecordError)


def test_duplicate_name_hint_tells_the_bookkeeper_what_to_do() -> None:
    with pytest.raises(DuplicateName) as caught:
        check_reply(fault_reply("6240", message="Duplicate Name Exists Error"))
    assert "rename one of them, then sync" in caught.value.fix_hint
    assert "QBO error 6240: Duplicate Name Exists Error" in str(caught.value)


def test_registered_secrets_never_reach_an_error_message() -> None:
    secret = "eyJhbGciOi-secret-access-token-value-123"
    register_secret(secret)
    with pytest.raises(ValidationError) as caught:
        check_reply(fault_reply("2010", detail=f"bad header Bearer {secret} sent"))
    assert secret not in str(caught.value)
    assert secret not in caught.value.detail
    assert secret not in repr(caught.value.errors)
