"""The query language: operators, escaping, paging, COUNT, the inactive filter, errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sandbox_http import QboHttp, fault_codes

from acctivate_qbo_plugin.sandbox import SandboxServer
from acctivate_qbo_plugin.sandbox.errors import QboFault
from acctivate_qbo_plugin.sandbox.query_parser import parse_query

TRICKY_NAMES = [
    "Amy's Bird Sanctuary",
    "Robertson & Associates",
    "100% Cotton",
    "Back\\slash Supply",
    "Zoë Café Müller",
    "日本の取引先",
    "x' OR Name = 'y",
    "It's 50% off & more \\o/",
]


def quote(value: str) -> str:
    """How a client must write a string literal: backslash-escape backslashes and quotes."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _item(sandbox: SandboxServer, name: str, **fields: object) -> dict[str, object]:
    body = {"Name": name, "Type": "Service", "Active": True, "FullyQualifiedName": name}
    body.update(fields)
    return sandbox.put_entity("Item", body)


# --- the parser on its own -----------------------------------------------------------------


def test_the_parser_reads_every_clause_in_any_keyword_case() -> None:
    query = parse_query(
        "select count(*) from Item where UnitPrice >= '10' and Name like 'P%' "
        "orderby Metadata.LastUpdatedTime desc, Id maxresults 5 startposition 3"
    )
    assert query.entity == "Item" and query.count
    assert [(c.path, c.op) for c in query.where] == [
        (("UnitPrice",), ">="),
        (("Name",), "LIKE"),
    ]
    assert [(k.path, k.descending) for k in query.order] == [
        (("Metadata", "LastUpdatedTime"), True),
        (("Id",), False),
    ]
    assert (query.start_position, query.max_results) == (3, 5)


def test_an_escaped_hostile_value_stays_one_string_literal() -> None:
    query = parse_query("SELECT * FROM Item WHERE Name = 'x\\' OR Name = \\'y'")
    assert len(query.where) == 1
    assert query.where[0].values[0].text == "x' OR Name = 'y"


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM Item WHERE Name = 'a' OR Name = 'b'",
        "SELECT * FROM Item WHERE Name = 'unterminated",
        "SELECT * Item",
        "SELECT * FROM Item WHERE Name = ",
        "SELECT * FROM Item ORDERBY",
        "SELECT * FROM Item MAXRESULTS ten",
        "SELECT * FROM Item WHERE Name ~ 'a'",
    ],
)
def test_malformed_statements_are_parser_errors(statement: str) -> None:
    with pytest.raises(QboFault) as raised:
        parse_query(statement)
    assert raised.value.code == "4000"


# --- operators and values over HTTP ---------------------------------------------------------


@pytest.fixture
def priced(sandbox: SandboxServer) -> SandboxServer:
    for name, price in [("Alpha", 5), ("Bravo", 10), ("Charlie", 15), ("Delta", 20)]:
        _item(sandbox, name, UnitPrice=price, Sku="OPS")
    return sandbox


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("UnitPrice = '10'", ["Bravo"]),
        ("UnitPrice < '10'", ["Alpha"]),
        ("UnitPrice > '10'", ["Charlie", "Delta"]),
        ("UnitPrice <= '10'", ["Alpha", "Bravo"]),
        ("UnitPrice >= '15'", ["Charlie", "Delta"]),
        ("UnitPrice >= 15", ["Charlie", "Delta"]),
        ("Name IN ('Alpha', 'Delta', 'Nobody')", ["Alpha", "Delta"]),
        ("Name LIKE 'Br%'", ["Bravo"]),
        ("Name LIKE '%a'", ["Alpha", "Delta"]),
        ("Name LIKE '%LT%'", ["Delta"]),
        ("Name = 'charlie'", ["Charlie"]),
        ("Name >= 'C' AND UnitPrice < '20'", ["Charlie"]),
    ],
)
def test_each_operator_selects_the_right_items(
    priced: SandboxServer, api: QboHttp, condition: str, expected: list[str]
) -> None:
    rows = api.rows(f"SELECT * FROM Item WHERE {condition} AND Type = 'Service' AND Sku = 'OPS'")
    assert sorted(row["Name"] for row in rows) == expected


def test_like_treats_everything_but_percent_literally(sandbox: SandboxServer, api: QboHttp) -> None:
    _item(sandbox, "A_B")
    _item(sandbox, "AXB")
    _item(sandbox, "A.B")
    assert [row["Name"] for row in api.rows("SELECT * FROM Item WHERE Name LIKE 'A_B'")] == ["A_B"]
    assert [row["Name"] for row in api.rows("SELECT * FROM Item WHERE Name LIKE 'A.%'")] == ["A.B"]


@pytest.mark.parametrize("name", TRICKY_NAMES)
def test_names_with_quotes_and_symbols_find_exactly_their_record(
    sandbox: SandboxServer, api: QboHttp, name: str
) -> None:
    for other in TRICKY_NAMES:
        _item(sandbox, other)
    _item(sandbox, "x")
    _item(sandbox, "y")
    rows = api.rows(f"SELECT * FROM Item WHERE Name = {quote(name)}")
    assert [row["Name"] for row in rows] == [name]


def test_a_hostile_customer_name_round_trips_through_create_and_query(api: QboHttp) -> None:
    hostile = "x' OR DisplayName = 'y"
    created = api.created("Customer", {"DisplayName": hostile})
    rows = api.rows(f"SELECT * FROM Customer WHERE DisplayName = {quote(hostile)}")
    assert [row["Id"] for row in rows] == [created["Id"]]
    assert api.rows("SELECT * FROM Customer WHERE DisplayName = 'x'") == []


def test_a_reference_compares_by_its_value(sandbox: SandboxServer, api: QboHttp) -> None:
    line = {
        "Amount": 10,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": "1"}},
    }
    first = api.created("Invoice", {"CustomerRef": {"value": "1"}, "Line": [line]})
    api.created("Invoice", {"CustomerRef": {"value": "2"}, "Line": [line]})
    rows = api.rows("SELECT * FROM Invoice WHERE CustomerRef = '1'")
    assert [row["Id"] for row in rows] == [first["Id"]]
    rows = api.rows("SELECT * FROM Invoice WHERE CustomerRef IN ('1', '2')")
    assert len(rows) == 2


def test_datetimes_compare_as_instants_whatever_their_offset(
    sandbox: SandboxServer, api: QboHttp
) -> None:
    stored = _item(sandbox, "Timed")
    stamp = dt.datetime.fromisoformat(stored["MetaData"]["LastUpdatedTime"])
    as_utc = stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    as_tokyo = stamp.astimezone(dt.timezone(dt.timedelta(hours=9))).isoformat()
    compact = stamp.strftime("%Y-%m-%dT%H:%M:%S%z")  # -0800, Intuit's own example style
    for spelled in (as_utc, as_tokyo, compact):
        rows = api.rows(
            f"SELECT * FROM Item WHERE Metadata.LastUpdatedTime >= '{spelled}' AND Name = 'Timed'"
        )
        assert [row["Name"] for row in rows] == ["Timed"], spelled
        later = (stamp + dt.timedelta(seconds=1)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert (
            api.rows(
                f"SELECT * FROM Item WHERE MetaData.LastUpdatedTime >= '{later}' AND Name = 'Timed'"
            )
            == []
        )


def test_order_by_ascending_and_descending(priced: SandboxServer, api: QboHttp) -> None:
    where = "WHERE Sku = 'OPS'"
    ascending = api.rows(f"SELECT * FROM Item {where} ORDERBY UnitPrice")
    descending = api.rows(f"SELECT * FROM Item {where} ORDER BY UnitPrice DESC")
    assert [row["Name"] for row in ascending] == ["Alpha", "Bravo", "Charlie", "Delta"]
    assert [row["Name"] for row in descending] == ["Delta", "Charlie", "Bravo", "Alpha"]


def test_a_post_with_the_statement_as_text_body_works(priced: SandboxServer, api: QboHttp) -> None:
    response = api.session.post(
        f"{api.base}/query",
        data="SELECT * FROM Item WHERE Name = 'Bravo'",
        headers={"Content-Type": "application/text"},
        timeout=10,
    )
    assert response.status_code == 200
    assert [row["Name"] for row in response.json()["QueryResponse"]["Item"]] == ["Bravo"]


# --- paging and counting ---------------------------------------------------------------------


@pytest.fixture
def many_vendors(sandbox: SandboxServer) -> list[str]:
    ids = []
    for number in range(250):
        ids.append(
            sandbox.put_entity("Vendor", {"DisplayName": f"Paged Vendor {number:03d}"})["Id"]
        )
    return ids


def test_pages_are_one_based_and_echo_start_and_count(
    many_vendors: list[str], api: QboHttp
) -> None:
    statement = "SELECT * FROM Vendor WHERE DisplayName LIKE 'Paged%' ORDERBY DisplayName"
    first = api.query(f"{statement} STARTPOSITION 1 MAXRESULTS 100").json()["QueryResponse"]
    last = api.query(f"{statement} MAXRESULTS 100 STARTPOSITION 201").json()["QueryResponse"]
    beyond = api.query(f"{statement} STARTPOSITION 251 MAXRESULTS 100").json()["QueryResponse"]
    assert (first["startPosition"], first["maxResults"]) == (1, 100)
    assert first["Vendor"][0]["DisplayName"] == "Paged Vendor 000"
    assert (last["startPosition"], last["maxResults"]) == (201, 50)
    assert last["Vendor"][-1]["DisplayName"] == "Paged Vendor 249"
    assert beyond == {}


def test_walking_the_pages_returns_every_row_once(many_vendors: list[str], api: QboHttp) -> None:
    seen: list[str] = []
    start = 1
    while True:
        statement = "SELECT * FROM Vendor WHERE DisplayName LIKE 'Paged%'"
        page = api.query(f"{statement} STARTPOSITION {start} MAXRESULTS 60").json()["QueryResponse"]
        if not page:
            break
        seen += [row["Id"] for row in page["Vendor"]]
        start += page["maxResults"]
    assert sorted(seen) == sorted(many_vendors)


def test_the_default_page_is_100_and_the_largest_is_1000(
    many_vendors: list[str], api: QboHttp
) -> None:
    body = api.query("SELECT * FROM Vendor WHERE DisplayName LIKE 'Paged%'").json()["QueryResponse"]
    assert body["maxResults"] == 100 and len(body["Vendor"]) == 100
    assert api.query("SELECT * FROM Vendor MAXRESULTS 1000").status_code == 200
    too_many = api.query("SELECT * FROM Vendor MAXRESULTS 1001")
    assert too_many.status_code == 400 and fault_codes(too_many) == ["4001"]
    zero = api.query("SELECT * FROM Vendor STARTPOSITION 0")
    assert zero.status_code == 400 and fault_codes(zero) == ["4001"]


def test_count_returns_total_count_only(many_vendors: list[str], api: QboHttp) -> None:
    body = api.query("SELECT COUNT(*) FROM Vendor WHERE DisplayName LIKE 'Paged Vendor 1%'").json()
    assert body["QueryResponse"] == {"totalCount": 100}
    assert "time" in body


# --- the inactive filter -----------------------------------------------------------------------


def test_name_lists_show_active_rows_unless_asked(sandbox: SandboxServer, api: QboHttp) -> None:
    active = api.created("Customer", {"DisplayName": "Still Here"})
    gone = api.created("Customer", {"DisplayName": "Gone Away"})
    api.post(
        "/customer",
        {"Id": gone["Id"], "SyncToken": gone["SyncToken"], "sparse": True, "Active": False},
    )
    names = "DisplayName IN ('Still Here', 'Gone Away')"
    default = api.rows(f"SELECT * FROM Customer WHERE {names}")
    both = api.rows(f"SELECT * FROM Customer WHERE {names} AND Active IN (true, false)")
    inactive = api.rows(f"SELECT * FROM Customer WHERE {names} AND Active = false")
    assert [row["Id"] for row in default] == [active["Id"]]
    assert sorted(row["Id"] for row in both) == sorted([active["Id"], gone["Id"]])
    assert [row["Id"] for row in inactive] == [gone["Id"]]
    count = api.query(f"SELECT COUNT(*) FROM Customer WHERE {names}").json()["QueryResponse"]
    assert count == {"totalCount": 1}


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "code", "detail"),
    [
        ("SELECT * FROM Custmoer", "4001", "invalid context declaration: Custmoer"),
        ("SELECT * FROM customer", "4001", "invalid context declaration: customer"),
        ("SELECT * FROM Customer WHERE Nickname = 'x'", "4001", "Nickname"),
        ("SELECT * FROM Customer WHERE DisplayName = 'a' OR DisplayName = 'b'", "4000", "OR"),
        ("SELECT * FROM Customer GROUP BY DisplayName", "4000", "GROUP"),
    ],
)
def test_bad_queries_answer_400_with_the_query_codes(
    api: QboHttp, statement: str, code: str, detail: str
) -> None:
    response = api.query(statement)
    assert response.status_code == 400
    assert fault_codes(response) == [code]
    assert detail in response.json()["Fault"]["Error"][0]["Detail"]
    assert response.json()["Fault"]["type"] == "ValidationFault"


def test_queries_are_logged_with_their_entity(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory()
    client = QboHttp(sandbox)
    client.rows("SELECT * FROM Term")
    assert sandbox.count_requests("query") == 1
    assert sandbox.request_log[-1].entity == "Term"
    client.close()
