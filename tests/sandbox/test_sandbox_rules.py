"""QBO's business rules, each answered with its real code (qbo-api.md §7)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from sandbox_http import QboHttp, fault_codes, fault_elements, shared_fixtures

from acctivate_qbo_plugin.sandbox import SandboxServer

RECORDED = shared_fixtures() / "recorded"


def sale_line(item: str = "1", amount: float = 10.0, **detail: Any) -> dict[str, Any]:
    return {
        "Amount": amount,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {"ItemRef": {"value": item}, **detail},
    }


def invoice(**fields: Any) -> dict[str, Any]:
    return {"CustomerRef": {"value": "1"}, "Line": [sale_line()], **fields}


def bill(**fields: Any) -> dict[str, Any]:
    line = {
        "Amount": 20.0,
        "DetailType": "AccountBasedExpenseLineDetail",
        "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "17"}},
    }
    return {"VendorRef": {"value": "30"}, "Line": [line], **fields}


def journal(debit: float = 50.0, credit: float = 50.0, **fields: Any) -> dict[str, Any]:
    def line(amount: float, side: str, account: str) -> dict[str, Any]:
        detail = {"PostingType": side, "AccountRef": {"value": account}}
        return {
            "Amount": amount,
            "DetailType": "JournalEntryLineDetail",
            "JournalEntryLineDetail": detail,
        }

    return {"Line": [line(debit, "Debit", "81"), line(credit, "Credit", "80")], **fields}


def adjustment(item: str = "11", qty: float = -2, **fields: Any) -> dict[str, Any]:
    detail = {"ItemRef": {"value": item}, "QtyDiff": qty}
    line = {"DetailType": "ItemAdjustmentLineDetail", "ItemAdjustmentLineDetail": detail}
    return {"AdjustAccountRef": {"value": "91"}, "Line": [line], **fields}


def payment(api: QboHttp, **fields: Any) -> dict[str, Any]:
    # The invoice it pays is dated after "today" so that it stays open when the books close.
    tomorrow = (api.sandbox.clock.now() + dt.timedelta(days=1)).date().isoformat()
    target = api.created("Invoice", invoice(TxnDate=tomorrow))
    line = {"Amount": 5.0, "LinkedTxn": [{"TxnId": target["Id"], "TxnType": "Invoice"}]}
    return {"CustomerRef": {"value": "1"}, "TotalAmt": 5.0, "Line": [line], **fields}


# --- names and numbers ------------------------------------------------------------------------


def test_duplicate_display_name_answers_6240_like_the_recording(api: QboHttp) -> None:
    recorded = json.loads((RECORDED / "error__validation.json").read_text())["interactions"][0][
        "response"
    ]
    api.created("Customer", {"DisplayName": "Weiskopf Consulting"})
    response = api.create("Customer", {"DisplayName": "Weiskopf Consulting"})
    assert response.status_code == recorded["status"] == 400
    assert response.json()["Fault"] == recorded["body"]["Fault"]


@pytest.mark.parametrize("entity", ["Customer", "Vendor", "Employee"])
def test_display_names_are_unique_across_parties_ignoring_case(api: QboHttp, entity: str) -> None:
    body: dict[str, Any] = {"DisplayName": "AMY'S BIRD SANCTUARY"}
    if entity == "Employee":
        body |= {"GivenName": "Amy", "FamilyName": "Bird"}
    response = api.create(entity, body)
    assert response.status_code == 400 and fault_codes(response) == ["6240"]


def test_renaming_onto_another_name_is_also_6240(api: QboHttp) -> None:
    vendor = api.created("Vendor", {"DisplayName": "Renamed Vendor"})
    clash = api.post(
        "/vendor",
        {
            "Id": vendor["Id"],
            "SyncToken": "0",
            "sparse": True,
            "DisplayName": "Bill's Windsurf Shop",
        },
    )
    assert fault_codes(clash) == ["6240"]
    same = api.post(
        "/vendor",
        {"Id": vendor["Id"], "SyncToken": "0", "sparse": True, "DisplayName": "RENAMED vendor"},
    )
    assert same.status_code == 200  # its own name in another case is fine


def test_item_names_are_unique_too(api: QboHttp) -> None:
    body = {"Name": "Pump", "Type": "Service", "IncomeAccountRef": {"value": "1"}}
    assert fault_codes(api.create("Item", body)) == ["6240"]


def test_doc_numbers_are_unique_per_transaction_type(api: QboHttp) -> None:
    api.created("Invoice", invoice(DocNumber="A-100"))
    duplicate = api.create("Invoice", invoice(DocNumber="a-100"))
    assert duplicate.status_code == 400 and fault_codes(duplicate) == ["6140"]
    assert "DocNumber=a-100" in duplicate.json()["Fault"]["Error"][0]["Detail"]
    assert api.create("Bill", bill(DocNumber="A-100")).status_code == 200
    assert api.create("JournalEntry", journal(DocNumber="A-100")).status_code == 200


# --- the closing date ---------------------------------------------------------------------------


CLOSED_CASES: dict[str, Callable[[QboHttp], dict[str, Any]]] = {
    "Invoice": lambda api: invoice(),
    "Bill": lambda api: bill(),
    "JournalEntry": lambda api: journal(),
    "InventoryAdjustment": lambda api: adjustment(),
    "Payment": payment,
}


@pytest.mark.parametrize("entity", sorted(CLOSED_CASES))
def test_transactions_in_a_closed_period_answer_6210(
    api: QboHttp, sandbox: SandboxServer, entity: str
) -> None:
    today = sandbox.clock.now().date()
    body = CLOSED_CASES[entity](api)
    created = api.created(entity, body | {"TxnDate": today.isoformat()})
    sandbox.set_book_close_date(today)  # books closed through today
    on_close = api.create(entity, CLOSED_CASES[entity](api) | {"TxnDate": today.isoformat()})
    assert on_close.status_code == 400 and fault_codes(on_close) == ["6210"]
    assert (
        on_close.json()["Fault"]["Error"][0]["Message"]
        == "Account Period Closed, Cannot Update Through Services API"
    )
    update = {
        "Id": created["Id"],
        "SyncToken": created["SyncToken"],
        "sparse": True,
        "PrivateNote": "late",
    }
    assert fault_codes(api.post(f"/{entity.lower()}", update)) == ["6210"]
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    if entity != "InventoryAdjustment":
        assert (
            api.create(entity, CLOSED_CASES[entity](api) | {"TxnDate": tomorrow}).status_code == 200
        )


def test_the_default_closing_date_is_60_days_back(api: QboHttp, sandbox: SandboxServer) -> None:
    prefs = api.get("/preferences").json()["Preferences"]
    close = dt.date.fromisoformat(prefs["AccountingInfoPrefs"]["BookCloseDate"])
    assert (sandbox.clock.now().date() - close).days in (59, 60, 61)
    old = (close - dt.timedelta(days=1)).isoformat()
    assert fault_codes(api.create("Invoice", invoice(TxnDate=old))) == ["6210"]


# --- journals and inventory -----------------------------------------------------------------


def test_unbalanced_journal_entry_answers_2300(api: QboHttp) -> None:
    response = api.create("JournalEntry", journal(debit=50.0, credit=49.99))
    assert response.status_code == 400 and fault_codes(response) == ["2300"]


def test_journal_line_without_posting_type_answers_2260(api: QboHttp) -> None:
    body = journal()
    del body["Line"][0]["JournalEntryLineDetail"]["PostingType"]
    assert fault_codes(api.create("JournalEntry", body)) == ["2260"]


def test_adjustment_before_the_item_start_date_answers_6270(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    start = dt.date.fromisoformat(sandbox.entity("Item", "11")["InvStartDate"])
    sandbox.set_book_close_date("2000-01-01")
    early = (start - dt.timedelta(days=1)).isoformat()
    response = api.create("InventoryAdjustment", adjustment(TxnDate=early), minorversion=75)
    assert response.status_code == 400 and fault_codes(response) == ["6270"]
    assert (
        api.create("InventoryAdjustment", adjustment(TxnDate=start.isoformat())).status_code == 200
    )


def test_inventory_adjustment_needs_minor_version_70(api: QboHttp) -> None:
    old = api.create("InventoryAdjustment", adjustment(), minorversion=65)
    assert old.status_code == 400
    assert "minorversion" in old.json()["Fault"]["Error"][0]["Detail"]
    assert api.create("InventoryAdjustment", adjustment(), minorversion=70).status_code == 200
    assert api.create("InventoryAdjustment", adjustment()).status_code == 200  # QBO assumes 75
    created = api.created("InventoryAdjustment", adjustment(), minorversion=75)
    assert api.get(f"/inventoryadjustment/{created['Id']}", minorversion=65).status_code == 400
    assert api.get(f"/inventoryadjustment/{created['Id']}", minorversion=75).status_code == 200
    query = "SELECT * FROM InventoryAdjustment"
    assert api.get("/query", query=query, minorversion=65).status_code == 400
    assert api.get("/query", query=query, minorversion=70).status_code == 200


# --- references ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entity", "body", "element"),
    [
        ("Invoice", invoice(CustomerRef={"value": "4040"}), "CustomerRef"),
        ("Invoice", invoice(Line=[sale_line(item="4040")]), "Line.SalesItemLineDetail.ItemRef"),
        ("Invoice", invoice(SalesTermRef={"value": "4040"}), "SalesTermRef"),
        ("Invoice", invoice(Line=[sale_line(TaxCodeRef={"value": "BOGUS"})]), "Line.TaxCodeRef"),
        ("Bill", bill(VendorRef={"value": "4040"}), "VendorRef"),
        ("Bill", bill(APAccountRef={"value": "4040"}), "APAccountRef"),
        ("InventoryAdjustment", adjustment(AdjustAccountRef={"value": "4040"}), "AdjustAccountRef"),
        ("Customer", {"DisplayName": "Orphan Job", "ParentRef": {"value": "4040"}}, "ParentRef"),
        (
            "JournalEntry",
            {
                "Line": [
                    *journal()["Line"][:1],
                    {
                        **journal()["Line"][1],
                        "JournalEntryLineDetail": {
                            "PostingType": "Credit",
                            "AccountRef": {"value": "4040"},
                        },
                    },
                ]
            },
            "Line.JournalEntryLineDetail.AccountRef",
        ),
    ],
)
def test_a_reference_to_a_missing_record_answers_2500(
    api: QboHttp, entity: str, body: dict[str, Any], element: str
) -> None:
    response = api.create(entity, body)
    assert response.status_code == 400 and fault_codes(response) == ["2500"]
    assert fault_elements(response) == [element]


def test_a_reference_to_an_inactive_record_answers_610(api: QboHttp) -> None:
    customer = api.created("Customer", {"DisplayName": "Soon Inactive"})
    api.post("/customer", {"Id": customer["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    response = api.create("Invoice", invoice(CustomerRef={"value": customer["Id"]}))
    assert response.status_code == 400 and fault_codes(response) == ["610"]
    assert fault_elements(response) == ["CustomerRef"]
    item = api.created(
        "Item", {"Name": "Retired", "Type": "Service", "IncomeAccountRef": {"value": "1"}}
    )
    api.post("/item", {"Id": item["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    assert fault_codes(api.create("Invoice", invoice(Line=[sale_line(item=item["Id"])]))) == ["610"]


# --- required fields, lengths, properties, ids ------------------------------------------------


@pytest.mark.parametrize(
    ("entity", "body", "element"),
    [
        ("Invoice", {"Line": [sale_line()]}, "CustomerRef"),
        ("Invoice", {"CustomerRef": {"value": "1"}}, "Line"),
        ("Bill", {"Line": bill()["Line"]}, "VendorRef"),
        ("JournalEntry", {"Line": []}, "Line"),
        ("InventoryAdjustment", {"Line": adjustment()["Line"]}, "AdjustAccountRef"),
        ("Payment", {"CustomerRef": {"value": "1"}}, "TotalAmt"),
        ("Item", {"Type": "Service", "IncomeAccountRef": {"value": "1"}}, "Name"),
        ("Item", {"Name": "No Type"}, "Type"),
        ("Customer", {"Notes": "who?"}, "DisplayName"),
        ("Account", {"Name": "No Type"}, "AccountType"),
        (
            "Item",
            {
                "Name": "Stocked",
                "Type": "Inventory",
                "IncomeAccountRef": {"value": "79"},
                "ExpenseAccountRef": {"value": "80"},
                "AssetAccountRef": {"value": "81"},
                "QtyOnHand": 1,
            },
            "InvStartDate",
        ),
    ],
)
def test_missing_required_fields_answer_2020_naming_the_element(
    api: QboHttp, entity: str, body: dict[str, Any], element: str
) -> None:
    response = api.create(entity, body)
    assert response.status_code == 400 and fault_codes(response) == ["2020"]
    assert fault_elements(response) == [element]
    assert element in response.json()["Fault"]["Error"][0]["Detail"]


@pytest.mark.parametrize(
    ("entity", "field", "limit", "body"),
    [
        ("Customer", "DisplayName", 100, {}),
        ("Item", "Name", 100, {"Type": "Service", "IncomeAccountRef": {"value": "1"}}),
        ("Invoice", "DocNumber", 21, invoice()),
        ("Invoice", "PrivateNote", 4000, invoice()),
        (
            "Item",
            "Description",
            4000,
            {"Name": "Long Text", "Type": "Service", "IncomeAccountRef": {"value": "1"}},
        ),
    ],
)
def test_strings_over_their_maximum_answer_2050(
    api: QboHttp, entity: str, field: str, limit: int, body: dict[str, Any]
) -> None:
    too_long = api.create(entity, body | {field: "x" * (limit + 1)})
    assert too_long.status_code == 400 and fault_codes(too_long) == ["2050"]
    assert f"Max:{limit}" in too_long.json()["Fault"]["Error"][0]["Detail"]
    assert api.create(entity, body | {field: "y" * limit}).status_code == 200


def test_a_colon_in_an_item_name_is_refused(api: QboHttp) -> None:
    response = api.create(
        "Item", {"Name": "Parts:Bolt", "Type": "Service", "IncomeAccountRef": {"value": "1"}}
    )
    assert response.status_code == 400 and fault_codes(response) == ["6000"]
    assert fault_elements(response) == ["Name"]


def test_an_unknown_property_answers_2010_like_the_recording(api: QboHttp) -> None:
    response = api.create("Invoice", {"BadJson": True})
    assert response.status_code == 400 and fault_codes(response) == ["2010"]
    detail = response.json()["Fault"]["Error"][0]["Detail"]
    assert (
        'Unrecognized field "BadJson"' in detail
        and "com.intuit.schema.finance.v3.Invoice" in detail
    )


@pytest.mark.parametrize("bad_id", ["1.5", "abc", "-3"])
def test_a_malformed_id_answers_2030(api: QboHttp, bad_id: str) -> None:
    read = api.read("Customer", bad_id)
    assert read.status_code == 400 and fault_codes(read) == ["2030"]
    assert (
        read.json()["Fault"]["Error"][0]["Detail"]
        == f"Id should be a valid number. Supplied value:{bad_id}"
    )
    update = api.post("/customer", {"Id": bad_id, "SyncToken": "0", "DisplayName": "X"})
    assert fault_codes(update) == ["2030"]


def test_invalid_json_and_wrong_types_are_2010(api: QboHttp) -> None:
    garbled = api.session.post(
        f"{api.base}/customer",
        data="{not json",
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert garbled.status_code == 400 and fault_codes(garbled) == ["2010"]
    assert fault_codes(
        api.create("Invoice", invoice(Line=[sale_line(Qty="lots", UnitPrice=2)]))
    ) == ["2010"]
    assert fault_codes(api.create("Invoice", invoice(CustomerRef="1"))) == ["2010"]
