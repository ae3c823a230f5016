"""QBO faults: the exception the sandbox raises internally and the bodies it answers with.

Messages and details copy the real ones where a recorded response or Intuit's error table gives
them (qbo-api.md §7); ``code`` is always a string, as in QBO.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

VALIDATION = "ValidationFault"
SYSTEM = "SystemFault"
AUTHORIZATION = "AuthorizationFault"


@dataclass(frozen=True)
class ErrorItem:
    code: str
    message: str
    detail: str
    element: str | None = None

    def as_json(self, *, in_batch: bool = False) -> dict[str, Any]:
        item: dict[str, Any] = {"Message": self.message, "Detail": self.detail, "code": self.code}
        # Batch items always carry "element" (empty when unknown), top-level faults only when set.
        if self.element is not None or in_batch:
            item["element"] = self.element or ""
        return item


class QboFault(Exception):
    """A fault QBO would answer with: HTTP status plus one or more error items."""

    def __init__(
        self,
        status: int,
        errors: ErrorItem | Iterable[ErrorItem],
        fault_type: str = VALIDATION,
        *,
        with_time: bool = True,
    ) -> None:
        self.status = status
        self.errors = [errors] if isinstance(errors, ErrorItem) else list(errors)
        self.fault_type = fault_type
        # QBO omits `time` from a few 400 bodies (the recorded 2030 "Invalid ID" one).
        self.with_time = with_time
        super().__init__("; ".join(f"{e.code} {e.message}: {e.detail}" for e in self.errors))

    @property
    def code(self) -> str:
        return self.errors[0].code

    def fault_json(self, *, in_batch: bool = False) -> dict[str, Any]:
        return {
            "Error": [error.as_json(in_batch=in_batch) for error in self.errors],
            "type": self.fault_type,
        }

    def body(self, time_text: str) -> dict[str, Any]:
        body: dict[str, Any] = {"Fault": self.fault_json()}
        if self.with_time:
            body["time"] = time_text
        return body


def _fault(code: str, message: str, detail: str, element: str | None = None) -> QboFault:
    return QboFault(400, ErrorItem(code, message, detail, element))


# --- request shape -------------------------------------------------------------------------


def unsupported_operation(relative: str, full: str) -> QboFault:
    return _fault(
        "500",
        "Unsupported Operation",
        f"Operation Could not find resource for relative : {relative} "
        f"of full path: {full} is not supported.",
    )


def operation_not_supported(operation: str, entity: str, why: str) -> QboFault:
    return _fault(
        "500",
        "Unsupported Operation",
        f"Operation {operation} is not supported for {entity}: {why}",
    )


def invalid_id(value: object) -> QboFault:
    fault = _fault(
        "2030", "Invalid ID", f"Id should be a valid number. Supplied value:{value}", "Id"
    )
    fault.with_time = False
    return fault


def unknown_property(entity: str, prop: str, known: Iterable[str]) -> QboFault:
    names = sorted(known)
    shown = ", ".join(f'"{name}"' for name in names[:60])
    truncated = " [truncated]" if len(names) > 60 else ""
    return _fault(
        "2010",
        "Request has invalid or unsupported property",
        f'Property Name:Unrecognized field "{prop}" (class com.intuit.schema.finance.v3.{entity}),'
        f" not marked as ignorable ({len(names)} known properties: {shown}{truncated}])\n"
        " specified is unsupported or invalid",
    )


def invalid_body(detail: str) -> QboFault:
    return _fault(
        "2010",
        "Request has invalid or unsupported property",
        f"Property Name:{detail} specified is unsupported or invalid",
    )


def invalid_value(element: str, value: object, expected: str) -> QboFault:
    return _fault(
        "2010",
        "Request has invalid or unsupported property",
        f"Property Name:Can not construct instance of {expected} from value {value!r} "
        f"for {element} specified is unsupported or invalid",
        element,
    )


def required_missing(element: str) -> QboFault:
    return _fault(
        "2020",
        "Required param missing, need to supply the required value for the API",
        f"Required parameter {element} is missing in the request",
        element,
    )


def string_too_long(element: str, maximum: int, supplied: int) -> QboFault:
    return _fault(
        "2050",
        "String length is either shorter or longer than supported by specification",
        f"String length specified does not match the supported length. "
        f"Min:0 Max:{maximum} supported. Supplied length:{supplied}",
        element,
    )


def invalid_enumeration(element: str, value: object, allowed: Iterable[str]) -> QboFault:
    return _fault(
        "2170",
        "Invalid Enumeration",
        f"Invalid Enumeration : {value}. {element} must be one of: {', '.join(allowed)}",
        element,
    )


def missing_posting_type(element: str) -> QboFault:
    return _fault(
        "2260",
        "MissingPostingType",
        "Journal entry line is missing a PostingType. Valid values are Credit or Debit.",
        element,
    )


# --- references and concurrency -------------------------------------------------------------


def object_not_found(element: str = "") -> QboFault:
    """610: the target (or a referenced record) is deleted or inactive."""
    return _fault(
        "610",
        "Object Not Found",
        "Object Not Found : Something you're trying to use has been made inactive. "
        "Check the fields with accounts, customers, items, vendors or employees.",
        element,
    )


def invalid_reference(element: str, value: object, entity: str) -> QboFault:
    return _fault(
        "2500",
        "Invalid Reference Id",
        f"Invalid Reference Id : {element} {value!r} does not identify a {entity} "
        "in this company. Check the fields with accounts, customers, items, vendors or employees.",
        element,
    )


def stale_object() -> QboFault:
    return _fault(
        "5010",
        "Stale Object Error",
        "Stale Object Error : You and QuickBooks Sandbox were working on this at the same "
        "time. QuickBooks Sandbox finished before you did, so your work was not saved.",
        "",
    )


# --- business rules -------------------------------------------------------------------------


def business_validation(detail: str, element: str | None = None) -> QboFault:
    return _fault(
        "6000",
        "A business validation error has occurred while processing your request",
        f"Business Validation Error: {detail}",
        element,
    )


def duplicate_name() -> QboFault:
    return _fault("6240", "Duplicate Name Exists Error", "The name supplied already exists. : null")


def duplicate_doc_number(doc_number: str, txn_type: str, txn_id: str) -> QboFault:
    return _fault(
        "6140",
        "Duplicate Document Number Error",
        "Duplicate Document Number Error : You must specify a different number. This number "
        f"has already been used. DocNumber={doc_number} is assigned to TxnType={txn_type} "
        f"with TxnId={txn_id}",
        "DocNumber",
    )


def closed_period() -> QboFault:
    return _fault(
        "6210",
        "Account Period Closed, Cannot Update Through Services API",
        "The account period has closed and the account books cannot be updated through the "
        "QBO Services API. Please use the QBO website to make these changes.",
    )


def journal_unbalanced(debits: str, credits: str) -> QboFault:
    return _fault(
        "2300",
        "Amount on debits not equal to credits",
        "A journal entry you created or updated unbalanced an account. Balance the debits and "
        f"credits for the account. Debits:{debits} Credits:{credits}",
    )


def inventory_before_start(item_name: str, start_date: str, txn_date: str) -> QboFault:
    return _fault(
        "6270",
        "InventoryTxnDatedBeforeItemStartDate",
        f"Transaction date is prior to start date for inventory item {item_name}: "
        f"TxnDate {txn_date} is before InvStartDate {start_date}",
    )


# --- queries and batches ---------------------------------------------------------------------


def query_parse_error(detail: str) -> QboFault:
    return _fault("4000", "Error parsing query", f"QueryParserError: {detail}")


def invalid_query(detail: str) -> QboFault:
    return _fault("4001", "Invalid query", f"QueryValidationError: {detail}")


def batch_too_large(supplied: int, maximum: int) -> QboFault:
    return _fault(
        "1040",
        "Batch size exceeds allowed limit",
        f"Batch size {supplied} exceeds the maximum of {maximum} BatchItemRequest items; "
        "split it into several batch requests",
    )


def system_failure(detail: str, status: int = 500) -> QboFault:
    return QboFault(
        status,
        ErrorItem(
            "10000",
            "An application error has occurred while processing your request",
            f"System Failure Error: {detail}",
        ),
        SYSTEM,
    )


def application_authorization_failed(realm: str) -> QboFault:
    return QboFault(
        403,
        ErrorItem(
            "3100",
            "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
            f"The company (realm) {realm!r} is not served here or the token is not "
            "authorized for it; connect to the sandbox realm instead",
        ),
        AUTHORIZATION,
    )
