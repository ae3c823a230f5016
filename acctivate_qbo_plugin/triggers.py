"""Which sections each host event asks for (PRODUCT.md's trigger table), as pure functions."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["CUSTOMER_SECTIONS", "INVENTORY_SECTIONS", "sections_for_invoice", "sections_for_lookup"]

# A lookup or list names what the user is about to pick from; refresh that from QBO.
_LOOKUP_SECTIONS: dict[str, tuple[str, ...]] = {
    "customer": ("customers",),
    "job": ("customers",),
    "vendor": ("vendors",),
    "item": ("items",),
    "product": ("items",),
    "account": ("accounts",),
    "gl_account": ("accounts",),
    "chart_of_accounts": ("accounts",),
    "term": ("code_tables",),
    "terms": ("code_tables",),
    "payment_method": ("code_tables",),
    "tax_code": ("code_tables",),
    "payment": ("payments",),
}

INVENTORY_SECTIONS = ("inventory", "journals")
CUSTOMER_SECTIONS = ("customers",)
_INVOICE_SECTIONS = {
    "invoice": ("customers", "items", "invoices", "journals"),
    "po_invoice": ("vendors", "items", "po_invoices", "journals"),
}


def _normalise(name: str) -> str:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    for suffix in ("_lookup", "_list"):
        key = key.removesuffix(suffix)
    if key not in _LOOKUP_SECTIONS and key.endswith("s"):
        key = key[:-1]  # "customers" -> "customer"
    return key


def sections_for_lookup(name: str, pull_sections: Iterable[str]) -> tuple[str, ...]:
    """Sections a lookup or list window asks for; an unknown one refreshes every pull section."""
    return _LOOKUP_SECTIONS.get(_normalise(str(name)), tuple(pull_sections))


def sections_for_invoice(kind: str) -> tuple[str, ...]:
    """Sections an invoice or PO invoice post asks for; an unknown kind asks for both sets."""
    try:
        return _INVOICE_SECTIONS[kind]
    except KeyError:
        return tuple(dict.fromkeys(s for group in _INVOICE_SECTIONS.values() for s in group))
