"""The sync sections, one module each, and the default catalog in PRODUCT.md's order."""

from __future__ import annotations

from acctivate_qbo_plugin.sections.base import Direction, Section
from acctivate_qbo_plugin.sections.catalog import SectionCatalog
from acctivate_qbo_plugin.sections.context import Problem, SectionContext

__all__ = [
    "DEFAULT_SECTION_NAMES",
    "Direction",
    "Problem",
    "Section",
    "SectionCatalog",
    "SectionContext",
    "default_catalog",
]

DEFAULT_SECTION_NAMES = (
    "accounts",
    "code_tables",
    "customers",
    "vendors",
    "items",
    "invoices",
    "po_invoices",
    "inventory",
    "journals",
    "payments",
)


def default_catalog() -> SectionCatalog:
    """The ten sections, in the order a run executes them."""
    from acctivate_qbo_plugin.sections.accounts import AccountsSection
    from acctivate_qbo_plugin.sections.code_tables import CodeTablesSection
    from acctivate_qbo_plugin.sections.customers import CustomersSection
    from acctivate_qbo_plugin.sections.inventory import InventorySection
    from acctivate_qbo_plugin.sections.invoices import InvoicesSection
    from acctivate_qbo_plugin.sections.items import ItemsSection
    from acctivate_qbo_plugin.sections.journals import JournalsSection
    from acctivate_qbo_plugin.sections.payments import PaymentsSection
    from acctivate_qbo_plugin.sections.po_invoices import PoInvoicesSection
    from acctivate_qbo_plugin.sections.vendors import VendorsSection

    return SectionCatalog(
        [
            AccountsSection,
            CodeTablesSection,
            CustomersSection,
            VendorsSection,
            ItemsSection,
            InvoicesSection,
            PoInvoicesSection,
            InventorySection,
            JournalsSection,
            PaymentsSection,
        ]
    )
