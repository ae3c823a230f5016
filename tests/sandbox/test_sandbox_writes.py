"""Writes: computed fields, SyncToken, full vs sparse update, delete, void, balances, stock."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from typing import Any

from sandbox_http import QboHttp, fault_codes

from acctivate_qbo_plugin.sandbox import SandboxServer


def sale(
    item: str,
    *,
    qty: float | None = None,
    price: float | None = None,
    amount: float | None = None,
    tax: str | None = None,
) -> dict[str, Any]:
    detail: dict[str, Any] = {"ItemRef": {"value": item}}
    if qty is not None:
        detail["Qty"] = qty
    if price is not None:
        detail["UnitPrice"] = price
    if tax is not None:
        detail["TaxCodeRef"] = {"value": tax}
    line: dict[str, Any] = {"DetailType": "SalesItemLineDetail", "SalesItemLineDetail": detail}
    if amount is not None:
        line["Amount"] = amount
    return line


def company_today(sandbox: SandboxServer) -> dt.date:
    return sandbox.clock.now().astimezone(zoneinfo.ZoneInfo("America/Los_Angeles")).date()


def soon(sandbox: SandboxServer, days: int = 3) -> dt.date:
    """A transaction date safely inside the open period, whatever day the tests run."""
    return company_today(sandbox) + dt.timedelta(days=days)


def qty_on_hand(sandbox: SandboxServer, item: str) -> float:
    return float(sandbox.entity("Item", item)["QtyOnHand"])


# --- what the server computes ------------------------------------------------------------------


def test_a_minimal_invoice_gets_number_dates_lines_and_totals_like_qbo(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    created = api.created(
        "Invoice", {"Line": [sale("1", amount=100.0)], "CustomerRef": {"value": "1"}}
    )
    today = company_today(sandbox)
    assert created["DocNumber"].isdigit()
    assert created["TxnDate"] == today.isoformat()
    assert (
        created["DueDate"] == (today + dt.timedelta(days=30)).isoformat()
    )  # company default Net 30
    assert created["Line"][0]["Id"] == "1" and created["Line"][0]["LineNum"] == 1
    assert created["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] == {"value": "NON"}
    assert created["Line"][0]["SalesItemLineDetail"]["ItemRef"] == {
        "value": "1",
        "name": "Services",
    }
    assert created["Line"][-1] == {
        "Amount": 100.0,
        "DetailType": "SubTotalLineDetail",
        "SubTotalLineDetail": {},
    }
    assert created["TxnTaxDetail"] == {"TotalTax": 0}
    assert created["TotalAmt"] == 100.0 and created["Balance"] == 100.0
    assert created["CustomerRef"] == {"value": "1", "name": "Amy's Bird Sanctuary"}
    assert created["BillAddr"]["Line1"] == "4581 Finch St."
    assert (created["domain"], created["sparse"], created["SyncToken"]) == ("QBO", False, "0")
    following = api.created(
        "Invoice", {"Line": [sale("1", amount=1.0)], "CustomerRef": {"value": "1"}}
    )
    assert int(following["DocNumber"]) == int(created["DocNumber"]) + 1


def test_line_amounts_tax_and_total_are_recomputed(api: QboHttp) -> None:
    body = {
        "CustomerRef": {"value": "1"},
        "Line": [
            {**sale("5", qty=1, price=275), "Amount": 999.0},  # the sent Amount is ignored
            sale("11", qty=4, price=4),
            sale("1", amount=50.0),
        ],
        "TotalAmt": 1.0,  # what the host thought; QBO computes its own
    }
    created = api.created("Invoice", body)
    lines = created["Line"]
    assert [line["Amount"] for line in lines] == [275.0, 16.0, 50.0, 341.0]
    assert [line["SalesItemLineDetail"]["TaxCodeRef"]["value"] for line in lines[:3]] == [
        "TAX",
        "TAX",
        "NON",
    ]
    tax = created["TxnTaxDetail"]
    assert tax["TxnTaxCodeRef"] == {"value": "2"}
    assert tax["TotalTax"] == 23.28  # 8 % of the taxable 291.00
    assert tax["TaxLine"][0]["TaxLineDetail"] == {
        "TaxRateRef": {"value": "3"},
        "PercentBased": True,
        "TaxPercent": 8,
        "NetAmountTaxable": 291.0,
    }
    assert created["TotalAmt"] == 364.28


def test_rounding_is_half_up_to_cents(api: QboHttp, sandbox: SandboxServer) -> None:
    sandbox.put_entity("TaxRate", {"Id": "7", "Name": "Half", "Active": True, "RateValue": 5})
    sandbox.put_entity(
        "TaxCode",
        {
            "Id": "7",
            "Name": "Five",
            "Active": True,
            "Taxable": True,
            "TaxGroup": True,
            "SalesTaxRateList": {"TaxRateDetail": [{"TaxRateRef": {"value": "7"}}]},
        },
    )
    body = {
        "CustomerRef": {"value": "1"},
        "Line": [sale("1", qty=3, price=0.335, tax="NON"), sale("1", amount=0.10, tax="TAX")],
        "TxnTaxDetail": {"TxnTaxCodeRef": {"value": "7"}},
    }
    created = api.created("Invoice", body)
    assert created["Line"][0]["Amount"] == 1.01  # 1.005 rounds up, not to the even 1.00
    assert created["TxnTaxDetail"]["TotalTax"] == 0.01  # 5 % of 0.10 = 0.005 rounds up
    assert created["TotalAmt"] == 1.12


def test_a_non_taxable_customer_gets_non_lines_and_terms_set_the_due_date(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    day = soon(sandbox)
    body = {
        "CustomerRef": {"value": "2"},
        "Line": [sale("11", qty=1, price=15)],
        "TxnDate": day.isoformat(),
    }
    created = api.created("Invoice", body)
    assert created["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] == {"value": "NON"}
    assert created["DueDate"] == (day + dt.timedelta(days=15)).isoformat()  # its own Net 15
    explicit = api.created(
        "Invoice",
        {
            "CustomerRef": {"value": "1"},
            "Line": [sale("1", amount=5.0)],
            "TxnDate": day.isoformat(),
            "SalesTermRef": {"value": "1"},
        },
    )
    assert explicit["DueDate"] == day.isoformat()
    assert explicit["SalesTermRef"] == {"value": "1", "name": "Due on receipt"}


def test_date_driven_terms_fall_due_on_a_day_of_the_next_month(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    term = api.created("Term", {"Name": "EOM 31st", "DayOfMonthDue": 31})
    assert term["Type"] == "DATE_DRIVEN"
    day = soon(sandbox)
    body = {
        "CustomerRef": {"value": "1"},
        "Line": [sale("1", amount=5.0)],
        "TxnDate": day.isoformat(),
    }
    created = api.created("Invoice", body | {"SalesTermRef": {"value": term["Id"]}})
    due = dt.date.fromisoformat(created["DueDate"])
    assert (due.year * 12 + due.month) - (day.year * 12 + day.month) == 1
    assert (due + dt.timedelta(days=1)).day == 1  # the 31st, or the month's last day


def test_a_bill_totals_its_lines_and_defaults_its_payable_account(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    day = soon(sandbox)
    body = {
        "VendorRef": {"value": "49"},
        "TxnDate": day.isoformat(),
        "Line": [
            {
                "DetailType": "ItemBasedExpenseLineDetail",
                "ItemBasedExpenseLineDetail": {
                    "ItemRef": {"value": "11"},
                    "Qty": 8,
                    "UnitPrice": 10,
                },
            },
            {
                "Amount": 125.0,
                "DetailType": "AccountBasedExpenseLineDetail",
                "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "17"}},
            },
        ],
    }
    created = api.created("Bill", body)
    assert created["TotalAmt"] == 205.0 and created["Balance"] == 205.0
    assert created["APAccountRef"] == {"value": "33", "name": "Accounts Payable (A/P)"}
    assert created["DueDate"] == (day + dt.timedelta(days=30)).isoformat()  # the vendor's Net 30
    assert created["Line"][0]["ItemBasedExpenseLineDetail"]["BillableStatus"] == "NotBillable"
    assert (
        created["Line"][1]["AccountBasedExpenseLineDetail"]["AccountRef"]["name"] == "Rent or Lease"
    )


def test_a_sub_customer_gets_job_level_and_full_name(api: QboHttp) -> None:
    job = api.created("Customer", {"DisplayName": "Warehouse 2", "ParentRef": {"value": "7"}})
    assert (job["Job"], job["Level"], job["ParentRef"]) == (True, 1, {"value": "7"})
    assert job["FullyQualifiedName"] == "Freeman Sporting Goods:Warehouse 2"
    deeper = api.created("Customer", {"DisplayName": "Dock B", "ParentRef": {"value": job["Id"]}})
    assert deeper["Level"] == 2
    assert deeper["FullyQualifiedName"] == "Freeman Sporting Goods:Warehouse 2:Dock B"


# --- SyncToken, full and sparse updates ----------------------------------------------------------


def test_each_change_bumps_the_sync_token_and_a_stale_one_answers_5010(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    created = api.created("Customer", {"DisplayName": "Versioned", "Notes": "v0"})
    sandbox.clock.shift(5)
    first = api.post(
        "/customer", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "Notes": "v1"}
    ).json()["Customer"]
    second = api.post(
        "/customer", {"Id": created["Id"], "SyncToken": "1", "sparse": True, "Notes": "v2"}
    ).json()["Customer"]
    assert (first["SyncToken"], second["SyncToken"]) == ("1", "2")
    assert first["MetaData"]["CreateTime"] == created["MetaData"]["CreateTime"]
    assert first["MetaData"]["LastUpdatedTime"] > created["MetaData"]["LastUpdatedTime"]
    stale = api.post(
        "/customer", {"Id": created["Id"], "SyncToken": "1", "sparse": True, "Notes": "lost"}
    )
    assert stale.status_code == 400 and fault_codes(stale) == ["5010"]
    assert stale.json()["Fault"]["Error"][0]["Message"] == "Stale Object Error"
    assert sandbox.entity("Customer", created["Id"])["Notes"] == "v2"


def test_an_update_that_changes_nothing_keeps_the_version(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    created = api.created("Customer", {"DisplayName": "Unchanged"})
    sandbox.clock.shift(5)
    same = api.post(
        "/customer",
        {"Id": created["Id"], "SyncToken": "0", "sparse": True, "DisplayName": "Unchanged"},
    )
    assert same.json()["Customer"] == created


def test_a_full_update_clears_omitted_fields_and_a_sparse_one_keeps_them(api: QboHttp) -> None:
    created = api.created(
        "Customer",
        {
            "DisplayName": "Full Or Sparse",
            "Notes": "keep?",
            "PrimaryPhone": {"FreeFormNumber": "555"},
        },
    )
    sparse = api.post(
        "/customer",
        {"Id": created["Id"], "SyncToken": "0", "sparse": True, "CompanyName": "FOS Inc"},
    ).json()["Customer"]
    assert sparse["Notes"] == "keep?" and sparse["PrimaryPhone"] == {"FreeFormNumber": "555"}
    full = api.post(
        "/customer", {"Id": created["Id"], "SyncToken": "1", "DisplayName": "Full Or Sparse"}
    ).json()["Customer"]
    assert "Notes" not in full and "PrimaryPhone" not in full and "CompanyName" not in full
    assert full["Active"] is True and full["Taxable"] is True  # defaults are back
    assert full["SyncToken"] == "2"


def test_a_full_update_of_an_inventory_item_keeps_its_stock(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    pump = sandbox.entity("Item", "11")
    body = {k: v for k, v in pump.items() if k not in ("QtyOnHand", "InvStartDate", "MetaData")}
    updated = api.post("/item", body | {"UnitPrice": 17}).json()["Item"]
    assert updated["UnitPrice"] == 17 and updated["SyncToken"] == "1"
    assert (
        updated["QtyOnHand"] == pump["QtyOnHand"]
        and updated["InvStartDate"] == pump["InvStartDate"]
    )


def test_a_full_update_of_a_transaction_keeps_its_number_and_renumbers_new_lines(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    day = soon(sandbox).isoformat()
    created = api.created(
        "Invoice", {"CustomerRef": {"value": "1"}, "Line": [sale("1", amount=10.0)], "TxnDate": day}
    )
    updated = api.post(
        "/invoice",
        {
            "Id": created["Id"],
            "SyncToken": "0",
            "CustomerRef": {"value": "1"},
            "Line": [sale("1", amount=20.0)],
        },
    ).json()["Invoice"]
    assert updated["DocNumber"] == created["DocNumber"] and updated["TxnDate"] == day
    assert updated["Line"][0]["Id"] == "2"  # a new line, as QBO numbers it
    assert updated["TotalAmt"] == 20.0


# --- delete and void ----------------------------------------------------------------------------


def test_delete_answers_like_the_recording_and_the_record_is_gone(api: QboHttp) -> None:
    created = api.created(
        "Invoice", {"CustomerRef": {"value": "1"}, "Line": [sale("1", amount=10.0)]}
    )
    deleted = api.post("/invoice", {"Id": created["Id"], "SyncToken": "0"}, operation="delete")
    assert deleted.status_code == 200
    assert set(deleted.json()) == {"Invoice", "time"}
    assert deleted.json()["Invoice"] == {"domain": "QBO", "status": "Deleted", "Id": created["Id"]}
    assert fault_codes(api.read("Invoice", created["Id"])) == ["610"]
    again = api.post("/invoice", {"Id": created["Id"], "SyncToken": "0"}, operation="delete")
    assert fault_codes(again) == ["610"]


def test_name_lists_are_deleted_by_deactivation_not_by_delete(api: QboHttp) -> None:
    refused = api.post("/customer", {"Id": "2", "SyncToken": "0"}, operation="delete")
    assert refused.status_code == 400
    deactivated = api.post(
        "/customer", {"Id": "2", "SyncToken": "0", "sparse": True, "Active": False}
    ).json()["Customer"]
    assert deactivated["Active"] is False
    assert api.rows("SELECT * FROM Customer WHERE Id = '2'") == []


def test_void_zeroes_an_invoice_and_marks_it(api: QboHttp, sandbox: SandboxServer) -> None:
    created = api.created(
        "Invoice", {"CustomerRef": {"value": "1"}, "Line": [sale("11", qty=2, price=15)]}
    )
    stock = qty_on_hand(sandbox, "11")
    voided = api.post("/invoice", {"Id": created["Id"], "SyncToken": "0"}, operation="void").json()[
        "Invoice"
    ]
    assert voided["TotalAmt"] == 0 and voided["Balance"] == 0
    assert voided["PrivateNote"] == "Voided" and voided["SyncToken"] == "1"
    assert all(line["Amount"] == 0 for line in voided["Line"])
    assert qty_on_hand(sandbox, "11") == stock + 2  # the goods are back in stock
    assert sandbox.entity("Customer", "1")["Balance"] == 0
    assert api.post("/bill", {"Id": "1", "SyncToken": "0"}, operation="void").status_code == 400


# --- balances and stock ------------------------------------------------------------------------


def test_stock_moves_with_invoices_bills_and_adjustments(
    api: QboHttp, sandbox: SandboxServer
) -> None:
    start = qty_on_hand(sandbox, "11")
    invoice = api.created(
        "Invoice", {"CustomerRef": {"value": "1"}, "Line": [sale("11", qty=3, price=15)]}
    )
    assert qty_on_hand(sandbox, "11") == start - 3
    bill_line = {
        "DetailType": "ItemBasedExpenseLineDetail",
        "ItemBasedExpenseLineDetail": {"ItemRef": {"value": "11"}, "Qty": 10, "UnitPrice": 10},
    }
    api.created("Bill", {"VendorRef": {"value": "30"}, "Line": [bill_line]})
    assert qty_on_hand(sandbox, "11") == start + 7
    adjustment = {
        "AdjustAccountRef": {"value": "91"},
        "Line": [
            {
                "DetailType": "ItemAdjustmentLineDetail",
                "ItemAdjustmentLineDetail": {"ItemRef": {"value": "11"}, "QtyDiff": -1.5},
            }
        ],
    }
    created = api.created("InventoryAdjustment", adjustment, minorversion=75)
    assert created["AdjustAccountRef"] == {"value": "91", "name": "Inventory Shrinkage"}
    assert qty_on_hand(sandbox, "11") == start + 5.5
    api.post(
        "/invoice",
        {
            "Id": invoice["Id"],
            "SyncToken": "0",
            "sparse": True,
            "Line": [sale("11", qty=1, price=15)],
        },
    )
    assert qty_on_hand(sandbox, "11") == start + 7.5
    api.post("/invoice", {"Id": invoice["Id"], "SyncToken": "1"}, operation="delete")
    assert qty_on_hand(sandbox, "11") == start + 8.5


def test_a_payment_applies_to_its_invoice(api: QboHttp, sandbox: SandboxServer) -> None:
    invoice = api.created(
        "Invoice", {"CustomerRef": {"value": "2"}, "Line": [sale("1", amount=120.0)]}
    )
    assert sandbox.entity("Customer", "2")["Balance"] == 120.0
    line = {"Amount": 100.0, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}
    payment = api.created(
        "Payment", {"CustomerRef": {"value": "2"}, "TotalAmt": 110.0, "Line": [line]}
    )
    assert payment["UnappliedAmt"] == 10.0
    assert payment["DepositToAccountRef"] == {"value": "4"}
    after = sandbox.entity("Invoice", invoice["Id"])
    assert after["Balance"] == 20.0 and after["SyncToken"] == "1"
    assert after["LinkedTxn"] == [{"TxnId": payment["Id"], "TxnType": "Payment"}]
    assert sandbox.entity("Customer", "2")["Balance"] == 10.0
    too_much = {"Amount": 50.0, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}
    assert fault_codes(
        api.create("Payment", {"CustomerRef": {"value": "2"}, "TotalAmt": 50.0, "Line": [too_much]})
    ) == ["6000"]
    voided = api.post("/payment", {"Id": payment["Id"], "SyncToken": "0"}, operation="void").json()[
        "Payment"
    ]
    assert voided["TotalAmt"] == 0 and voided["PrivateNote"] == "Voided"
    restored = sandbox.entity("Invoice", invoice["Id"])
    assert restored["Balance"] == 120.0 and restored["LinkedTxn"] == []


def test_a_job_balance_rolls_up_to_its_parent(api: QboHttp, sandbox: SandboxServer) -> None:
    api.created("Invoice", {"CustomerRef": {"value": "9"}, "Line": [sale("1", amount=40.0)]})
    job, parent = sandbox.entity("Customer", "9"), sandbox.entity("Customer", "7")
    assert (job["Balance"], job["BalanceWithJobs"]) == (40.0, 40.0)
    assert (parent["Balance"], parent["BalanceWithJobs"]) == (0, 40.0)
    assert job["SyncToken"] == "0"  # a balance change is not an edit of the customer


def test_preferences_and_company_info_are_served(api: QboHttp, sandbox: SandboxServer) -> None:
    prefs = api.get("/preferences").json()["Preferences"]
    assert prefs["ProductAndServicesPrefs"]["QuantityOnHand"] is True
    info = api.get(f"/companyinfo/{sandbox.realm_id}")
    assert info.status_code == 200 and info.json()["CompanyInfo"]["Country"] == "US"
    update = {
        "Id": "1",
        "SyncToken": prefs["SyncToken"],
        "sparse": True,
        "AccountingInfoPrefs": {**prefs["AccountingInfoPrefs"], "BookCloseDate": "2001-01-01"},
    }
    changed = api.post("/preferences", update)
    assert changed.status_code == 200
    assert changed.json()["Preferences"]["AccountingInfoPrefs"]["BookCloseDate"] == "2001-01-01"


def test_tax_and_non_are_always_valid_line_codes(
    qbo_sandbox_factory: Callable[..., SandboxServer],
) -> None:
    sandbox = qbo_sandbox_factory(seed=False)
    sandbox.put_entity(
        "Customer", {"Id": "1", "DisplayName": "Bare Company Customer", "Active": True}
    )
    sandbox.put_entity("Item", {"Id": "1", "Name": "Bare Item", "Type": "Service", "Active": True})
    client = QboHttp(sandbox)
    lines = [sale("1", amount=10.0, tax="TAX"), sale("1", amount=5.0, tax="NON")]
    created = client.created("Invoice", {"CustomerRef": {"value": "1"}, "Line": lines})
    assert [line["SalesItemLineDetail"]["TaxCodeRef"]["value"] for line in created["Line"][:2]] == [
        "TAX",
        "NON",
    ]
    client.close()
