"""Item, Account, Term and PaymentMethod: the other name lists the plugin touches."""

from __future__ import annotations

from acctivate_qbo_plugin.sandbox import errors
from acctivate_qbo_plugin.sandbox.entities import EntitySpec
from acctivate_qbo_plugin.sandbox.handlers_base import SERVER_KEYS, USD, Handler, ordered
from acctivate_qbo_plugin.sandbox.money import money_json, quantity_json, to_decimal
from acctivate_qbo_plugin.sandbox.store import Record
from acctivate_qbo_plugin.sandbox.validation import (
    WriteContext,
    check_lengths,
    optional_bool,
    parse_date,
    reject_colon,
    resolve_ref,
    resolve_top_level_refs,
)

ITEM_TYPES = ("Inventory", "NonInventory", "Service", "Category", "Group")
_INVENTORY_ACCOUNTS = ("IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef")

CLASSIFICATION = {
    "Bank": "Asset",
    "Accounts Receivable": "Asset",
    "Other Current Asset": "Asset",
    "Fixed Asset": "Asset",
    "Other Asset": "Asset",
    "Accounts Payable": "Liability",
    "Credit Card": "Liability",
    "Other Current Liability": "Liability",
    "Long Term Liability": "Liability",
    "Equity": "Equity",
    "Income": "Revenue",
    "Other Income": "Revenue",
    "Cost of Goods Sold": "Expense",
    "Expense": "Expense",
    "Other Expense": "Expense",
}
DEFAULT_SUBTYPE = {
    "Bank": "Checking",
    "Accounts Receivable": "AccountsReceivable",
    "Other Current Asset": "OtherCurrentAssets",
    "Fixed Asset": "OtherFixedAssets",
    "Other Asset": "OtherLongTermAssets",
    "Accounts Payable": "AccountsPayable",
    "Credit Card": "CreditCard",
    "Other Current Liability": "OtherCurrentLiabilities",
    "Long Term Liability": "OtherLongTermLiabilities",
    "Equity": "OwnersEquity",
    "Income": "SalesOfProductIncome",
    "Other Income": "OtherMiscellaneousIncome",
    "Cost of Goods Sold": "SuppliesMaterialsCogs",
    "Expense": "OtherMiscellaneousServiceCost",
    "Other Expense": "OtherMiscellaneousExpense",
}
_TYPE_OF_SUBTYPE = {subtype: kind for kind, subtype in DEFAULT_SUBTYPE.items()} | {
    "Inventory": "Other Current Asset",
    "UndepositedFunds": "Other Current Asset",
    "ServiceFeeIncome": "Income",
    "OpeningBalanceEquity": "Equity",
    "Savings": "Bank",
}


def _sub_list_name(
    ctx: WriteContext, record: Record, entity: str, name: str, sub_flag: str
) -> None:
    """Sub-items and sub-accounts: FullyQualifiedName "Parent:Child", Level, the sub flag."""
    parent = resolve_ref(ctx, record, "ParentRef", entity, with_name=True)
    if parent is None:
        record[sub_flag] = False
        record.pop("Level", None)
        record["FullyQualifiedName"] = name
        return
    record[sub_flag] = True
    record["Level"] = int(parent.get("Level", 0)) + 1
    record["FullyQualifiedName"] = f"{parent.get('FullyQualifiedName', parent.get('Name'))}:{name}"


def _required_name(spec: EntitySpec, record: Record) -> str:
    name = record.get("Name")
    if not isinstance(name, str) or not name.strip():
        raise errors.required_missing("Name")
    check_lengths(spec, record)
    return name


class ItemHandler(Handler):
    order = (
        "Name",
        "Sku",
        "Description",
        "Active",
        "SubItem",
        "ParentRef",
        "Level",
        "FullyQualifiedName",
        "Taxable",
        "UnitPrice",
        "Type",
        "IncomeAccountRef",
        "PurchaseDesc",
        "PurchaseCost",
        "ExpenseAccountRef",
        "AssetAccountRef",
        "TrackQtyOnHand",
        "QtyOnHand",
        "InvStartDate",
        *SERVER_KEYS,
    )
    # Stock is the server's once the item exists: a full update that omits it keeps it.
    retained = frozenset({"QtyOnHand", "InvStartDate"})

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        name = _required_name(spec, record)
        reject_colon("Name", name)
        item_type = record.get("Type")
        if item_type is None:
            raise errors.required_missing("Type")
        if item_type not in ITEM_TYPES:
            raise errors.invalid_enumeration("Type", item_type, ITEM_TYPES)
        was_inventory = existing is not None and existing.get("Type") == "Inventory"
        if was_inventory and item_type != "Inventory":
            raise errors.business_validation(
                "an inventory item cannot be changed to another type", "Type"
            )
        resolve_top_level_refs(ctx, spec, record)
        _sub_list_name(ctx, record, "Item", name, "SubItem")
        record["Active"] = optional_bool(record.get("Active"), "Active", True)
        if item_type == "Inventory":
            self._inventory(record, ctx)
        elif item_type != "Category":
            if "IncomeAccountRef" not in record and "ExpenseAccountRef" not in record:
                raise errors.required_missing("IncomeAccountRef")
            record["TrackQtyOnHand"] = False
        if item_type != "Category":
            record["Taxable"] = optional_bool(record.get("Taxable"), "Taxable", False)
            record["UnitPrice"] = _number(record.get("UnitPrice", 0), "UnitPrice")
            record["PurchaseCost"] = _number(record.get("PurchaseCost", 0), "PurchaseCost")
        return ordered(record, self.order)

    @staticmethod
    def _inventory(record: Record, ctx: WriteContext) -> None:
        prefs = ctx.preferences().get("ProductAndServicesPrefs") or {}
        if prefs.get("QuantityOnHand") is not True:
            raise errors.business_validation(
                "When you create an item, if Track quantity on hand is turned off, the item "
                "cannot be of type Inventory. Turn on quantity on hand in Preferences first.",
                "Type",
            )
        for key in _INVENTORY_ACCOUNTS:
            if key not in record:
                raise errors.required_missing(key)
        if "InvStartDate" not in record:
            raise errors.required_missing("InvStartDate")
        record["InvStartDate"] = parse_date(record["InvStartDate"], "InvStartDate").isoformat()
        if "QtyOnHand" not in record:
            raise errors.required_missing("QtyOnHand")
        record["QtyOnHand"] = quantity_json(to_decimal(record["QtyOnHand"], "QtyOnHand"))
        record["TrackQtyOnHand"] = True


def _number(value: object, element: str) -> float | int:
    return quantity_json(to_decimal(value, element))


class AccountHandler(Handler):
    order = (
        "Name",
        "SubAccount",
        "ParentRef",
        "Level",
        "Description",
        "FullyQualifiedName",
        "Active",
        "Classification",
        "AccountType",
        "AccountSubType",
        "AcctNum",
        "CurrentBalance",
        "CurrentBalanceWithSubAccounts",
        "CurrencyRef",
        *SERVER_KEYS,
    )
    retained = frozenset({"CurrentBalance", "CurrentBalanceWithSubAccounts"})

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        name = _required_name(spec, record)
        reject_colon("Name", name)
        if '"' in name:
            raise errors.business_validation("an account Name cannot contain '\"'", "Name")
        account_type = record.get("AccountType")
        subtype = record.get("AccountSubType")
        if account_type is None and isinstance(subtype, str):
            account_type = _TYPE_OF_SUBTYPE.get(subtype)
        if account_type is None:
            raise errors.required_missing("AccountType")
        if account_type not in CLASSIFICATION:
            raise errors.invalid_enumeration("AccountType", account_type, CLASSIFICATION)
        record["AccountType"] = account_type
        record.setdefault("AccountSubType", DEFAULT_SUBTYPE[account_type])
        record["Classification"] = CLASSIFICATION[account_type]
        resolve_top_level_refs(ctx, spec, record)
        _sub_list_name(ctx, record, "Account", name, "SubAccount")
        record["Active"] = optional_bool(record.get("Active"), "Active", True)
        record.setdefault("CurrentBalance", money_json(to_decimal(0, "CurrentBalance")))
        record.setdefault("CurrentBalanceWithSubAccounts", record["CurrentBalance"])
        record.setdefault("CurrencyRef", dict(USD))
        return ordered(record, self.order)


class TermHandler(Handler):
    order = (
        "Name",
        "Active",
        "Type",
        "DiscountPercent",
        "DueDays",
        "DiscountDays",
        "DayOfMonthDue",
        "DueNextMonthDays",
        "DiscountDayOfMonth",
        *SERVER_KEYS,
    )

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        _required_name(spec, record)
        record["Active"] = optional_bool(record.get("Active"), "Active", True)
        if "DayOfMonthDue" in record:
            record.setdefault("Type", "DATE_DRIVEN")
        else:
            record.setdefault("Type", "STANDARD")
            record.setdefault("DueDays", 0)
            record.setdefault("DiscountDays", 0)
        for key in ("DueDays", "DiscountDays", "DayOfMonthDue"):
            if key in record:
                value = record[key]
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    raise errors.invalid_value(key, value, "java.lang.Integer (>= 0)")
        return ordered(record, self.order)


class PaymentMethodHandler(Handler):
    order = ("Name", "Active", "Type", *SERVER_KEYS)

    def prepare(
        self, spec: EntitySpec, record: Record, *, existing: Record | None, ctx: WriteContext
    ) -> Record:
        _required_name(spec, record)
        record["Active"] = optional_bool(record.get("Active"), "Active", True)
        record.setdefault("Type", "NON_CREDIT_CARD")
        return ordered(record, self.order)
