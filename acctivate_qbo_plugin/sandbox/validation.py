"""Checks shared by every write: body shape, unknown properties, lengths, dates, references."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from acctivate_qbo_plugin.sandbox import errors
from acctivate_qbo_plugin.sandbox.entities import EntitySpec
from acctivate_qbo_plugin.sandbox.store import EntityStore, Reader, Record
from acctivate_qbo_plugin.sandbox.timefmt import CompanyCalendar

_NUMERIC_ID = re.compile(r"^\d{1,18}$")
_NAME_FIELD = {
    "Customer": "DisplayName",
    "Vendor": "DisplayName",
    "Employee": "DisplayName",
    "Item": "FullyQualifiedName",
    "Account": "FullyQualifiedName",
    "Class": "FullyQualifiedName",
    "Department": "FullyQualifiedName",
}


@dataclass
class WriteContext:
    """What one write needs besides its body: the time, the store and where refs resolve."""

    now: dt.datetime
    calendar: CompanyCalendar
    store: EntityStore
    reader: Reader  # the live store, or the batch's pre-batch view
    minorversion: int | None = None

    @property
    def today(self) -> dt.date:
        return self.calendar.today(self.now)

    @property
    def stamp(self) -> str:
        return self.calendar.metadata_stamp(self.now)

    def preferences(self) -> Record:
        return self.store.get("Preferences", "1") or {}


def as_body(value: object, entity: str) -> dict[str, Any]:
    """The JSON object of a write; ``null`` members count as not sent."""
    if not isinstance(value, dict):
        raise errors.invalid_body(
            f"the request body for {entity} must be a JSON object, got {type(value).__name__}"
        )
    return {key: item for key, item in value.items() if item is not None}


def check_known_properties(spec: EntitySpec, body: dict[str, Any]) -> None:
    if spec.properties is None:
        return
    for key in body:
        if key not in spec.properties:
            raise errors.unknown_property(spec.name, key, spec.properties)


def check_length(element: str, value: object, maximum: int) -> None:
    if isinstance(value, str) and len(value) > maximum:
        raise errors.string_too_long(element, maximum, len(value))


def check_lengths(spec: EntitySpec, record: Record) -> None:
    for element, maximum in spec.max_lengths.items():
        check_length(element, record.get(element), maximum)


def check_entity_id(spec: EntitySpec, value: object) -> str:
    """An Id as QBO accepts it (a number in a string); else 2030 "Invalid ID"."""
    text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else None
    if text is None or not text:
        raise errors.invalid_id(value)
    if spec.numeric_ids and not _NUMERIC_ID.match(text):
        raise errors.invalid_id(text)
    return text


def parse_date(value: object, element: str) -> dt.date:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise errors.invalid_value(element, value, "java.util.Date (YYYY-MM-DD)")


def optional_bool(value: object, element: str, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise errors.invalid_value(element, value, "java.lang.Boolean")


def ref_id(ref: object, element: str) -> str:
    """The ``value`` of a reference ``{"value": "1", "name": ...}``."""
    if not isinstance(ref, dict):
        raise errors.invalid_value(element, ref, 'ReferenceType {"value": Id}')
    value = ref.get("value")
    if value is None or value == "":
        raise errors.required_missing(f"{element}.value")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise errors.invalid_value(f"{element}.value", value, "java.lang.String")
    return str(value)


def display_name(entity: str, record: Record) -> str | None:
    name = record.get(_NAME_FIELD.get(entity, "Name")) or record.get("Name")
    return name if isinstance(name, str) else None


def resolve_ref(
    ctx: WriteContext,
    holder: dict[str, Any],
    key: str,
    entity: str,
    *,
    element: str | None = None,
    required: bool = False,
    with_name: bool = True,
) -> Record | None:
    """Check ``holder[key]`` refers to an active ``entity``; fill in its ``name``.

    A missing Id is 2500 "Invalid Reference Id"; an inactive record is 610 "Object Not Found".
    """
    element = element or key
    ref = holder.get(key)
    if ref is None:
        if required:
            raise errors.required_missing(element)
        return None
    target_id = ref_id(ref, element)
    target = ctx.reader.get(entity, target_id)
    if target is None:
        raise errors.invalid_reference(element, target_id, entity)
    if target.get("Active") is False:
        raise errors.object_not_found(element)
    new_ref: dict[str, Any] = {"value": target_id}
    name = display_name(entity, target)
    if with_name and name:
        new_ref["name"] = name
    elif "name" in ref and not with_name:
        new_ref["name"] = ref["name"]
    for extra, item in ref.items():
        if extra not in ("value", "name"):
            new_ref[extra] = item
    holder[key] = new_ref
    return target


def resolve_tax_code(ctx: WriteContext, holder: dict[str, Any], element: str) -> str:
    """A line's TaxCodeRef: QBO's US pseudo-codes TAX and NON, or a TaxCode Id."""
    value = ref_id(holder.get("TaxCodeRef"), element)
    if value in ("TAX", "NON"):
        holder["TaxCodeRef"] = {"value": value}
        return value
    resolve_ref(ctx, holder, "TaxCodeRef", "TaxCode", element=element, with_name=False)
    return value


def resolve_top_level_refs(ctx: WriteContext, spec: EntitySpec, record: Record) -> None:
    for key, entity in spec.refs.items():
        unnamed = key in ("ParentRef", "DefaultTaxCodeRef")
        resolve_ref(ctx, record, key, entity, with_name=not unnamed)


def reject_colon(element: str, value: object) -> None:
    if isinstance(value, str) and ":" in value:
        raise errors.business_validation(
            f"{element} {value!r} contains ':', which QuickBooks reserves for sub-list names; "
            "remove the colon",
            element,
        )
