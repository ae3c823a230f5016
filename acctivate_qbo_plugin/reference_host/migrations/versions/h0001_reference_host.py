"""The reference host schema: an inventory ERP's tables, with database-stamped changed_at.

Revision ID: h0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from acctivate_qbo_plugin.reference_host.triggers import drop_trigger_sql, trigger_sql
from acctivate_qbo_plugin.state.types import UtcDateTime

revision = "h0001"
down_revision = None
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)
QTY = sa.Numeric(14, 4)
STAMPED = (
    "tbGLAccount",
    "tbTerms",
    "tbPaymentMethod",
    "tbTaxCode",
    "tbCustomer",
    "tbVendor",
    "tbProduct",
    "tbInvoice",
    "tbPOInvoice",
    "tbInventoryTransaction",
    "tbGLJournal",
    "tbPayment",
)
LINES = {
    "tbInvoiceLine": ("tbInvoice", "invoice_id"),
    "tbPOInvoiceLine": ("tbPOInvoice", "po_invoice_id"),
    "tbGLJournalLine": ("tbGLJournal", "journal_id"),
    "tbPaymentApplication": ("tbPayment", "payment_id"),
}


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True)


def _fk(name: str, target: str, *, nullable: bool = True, index: bool = False) -> sa.Column:
    return sa.Column(
        name, sa.Integer, sa.ForeignKey(f"{target}.id"), nullable=nullable, index=index
    )


def _text(name: str, length: int, *, nullable: bool = True, unique: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=nullable, unique=unique)


def _flag(name: str, default: bool) -> sa.Column:
    return sa.Column(
        name, sa.Boolean, nullable=False, server_default=sa.true() if default else sa.false()
    )


def _stamped(name: str, *columns: sa.Column) -> None:
    op.create_table(name, _id(), *columns, sa.Column("changed_at", UtcDateTime()))
    op.create_index(f"ix_{name}_changed_at", name, ["changed_at"])


def upgrade() -> None:
    _stamped(
        "tbGLAccount",
        _text("number", 20),
        _text("name", 100, nullable=False),
        _text("full_name", 300, nullable=False),
        _text("account_type", 40, nullable=False),
        _text("sub_type", 60),
        _text("classification", 20),
        _flag("active", True),
    )
    _stamped(
        "tbTerms",
        _text("name", 100, nullable=False),
        sa.Column("due_days", sa.Integer),
        _flag("active", True),
    )
    _stamped(
        "tbPaymentMethod",
        _text("name", 100, nullable=False),
        _flag("is_card", False),
        _flag("active", True),
    )
    _stamped(
        "tbTaxCode",
        _text("name", 100, nullable=False),
        _flag("taxable", True),
        _flag("active", True),
    )
    _stamped(
        "tbCustomer",
        _text("customer_no", 30, nullable=False, unique=True),
        _text("name", 200, nullable=False),
        _text("company", 200),
        _text("first_name", 100),
        _text("last_name", 100),
        _text("email", 200),
        _text("phone", 40),
        _text("address", 500),
        _text("city", 100),
        _text("region", 40),
        _text("postal_code", 30),
        _flag("taxable", True),
        _fk("terms_id", "tbTerms"),
        _fk("parent_id", "tbCustomer"),
        _flag("active", True),
    )
    _stamped(
        "tbVendor",
        _text("vendor_no", 30),
        _text("name", 200, nullable=False),
        _text("company", 200),
        _text("email", 200),
        _text("phone", 40),
        _fk("terms_id", "tbTerms"),
        _flag("active", True),
    )
    _stamped(
        "tbProduct",
        _text("sku", 100, nullable=False, unique=True),
        _text("description", 4000),
        _text("kind", 20, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("unit_cost", MONEY, nullable=False),
        sa.Column("qty_on_hand", QTY, nullable=False),
        _flag("taxable", True),
        sa.Column("start_date", sa.Date),
        _fk("income_account_id", "tbGLAccount"),
        _fk("cogs_account_id", "tbGLAccount"),
        _fk("asset_account_id", "tbGLAccount"),
        _flag("active", True),
    )
    _stamped(
        "tbInvoice",
        _text("invoice_no", 21, nullable=False, unique=True),
        _fk("customer_id", "tbCustomer", nullable=False),
        sa.Column("invoice_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date),
        _fk("terms_id", "tbTerms"),
        sa.Column("memo", sa.Text),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("amount_paid", MONEY, nullable=False),
    )
    op.create_table(
        "tbInvoiceLine",
        _id(),
        _fk("invoice_id", "tbInvoice", nullable=False, index=True),
        sa.Column("line_no", sa.Integer, nullable=False),
        _fk("product_id", "tbProduct", nullable=False),
        _text("description", 4000),
        sa.Column("quantity", QTY, nullable=False),
        sa.Column("unit_price", sa.Numeric(14, 4), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        _flag("taxable", True),
    )
    _stamped(
        "tbPOInvoice",
        _text("po_invoice_no", 21, nullable=False, unique=True),
        _text("po_no", 30),
        _fk("vendor_id", "tbVendor", nullable=False),
        sa.Column("invoice_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("memo", sa.Text),
        sa.Column("total", MONEY, nullable=False),
    )
    op.create_table(
        "tbPOInvoiceLine",
        _id(),
        _fk("po_invoice_id", "tbPOInvoice", nullable=False, index=True),
        sa.Column("line_no", sa.Integer, nullable=False),
        _fk("product_id", "tbProduct"),
        _fk("account_id", "tbGLAccount"),
        _text("description", 4000),
        sa.Column("quantity", QTY, nullable=False),
        sa.Column("unit_cost", sa.Numeric(14, 4), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
    )
    _stamped(
        "tbInventoryTransaction",
        _text("txn_no", 21, nullable=False, unique=True),
        _text("kind", 20, nullable=False),
        _fk("product_id", "tbProduct", nullable=False),
        sa.Column("qty_delta", QTY, nullable=False),
        _text("from_warehouse", 30),
        _text("to_warehouse", 30),
        sa.Column("txn_date", sa.Date, nullable=False),
        _fk("adjust_account_id", "tbGLAccount"),
        _fk("po_invoice_id", "tbPOInvoice"),
        sa.Column("memo", sa.Text),
    )
    _stamped(
        "tbGLJournal",
        _text("journal_no", 21, nullable=False, unique=True),
        sa.Column("journal_date", sa.Date, nullable=False),
        sa.Column("memo", sa.Text),
        _text("source", 30, nullable=False),
    )
    op.create_table(
        "tbGLJournalLine",
        _id(),
        _fk("journal_id", "tbGLJournal", nullable=False, index=True),
        sa.Column("line_no", sa.Integer, nullable=False),
        _fk("account_id", "tbGLAccount", nullable=False),
        sa.Column("debit", MONEY, nullable=False),
        sa.Column("credit", MONEY, nullable=False),
        _text("memo", 4000),
        _fk("customer_id", "tbCustomer"),
        _fk("vendor_id", "tbVendor"),
    )
    _stamped(
        "tbPayment",
        _text("reference", 40),
        _fk("customer_id", "tbCustomer", nullable=False),
        sa.Column("payment_date", sa.Date, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        _fk("method_id", "tbPaymentMethod"),
        _flag("voided", False),
    )
    op.create_table(
        "tbPaymentApplication",
        _id(),
        _fk("payment_id", "tbPayment", nullable=False, index=True),
        _fk("invoice_id", "tbInvoice", nullable=False, index=True),
        sa.Column("amount", MONEY, nullable=False),
    )
    for statement in trigger_sql(op.get_bind().dialect.name, STAMPED, LINES):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_trigger_sql(op.get_bind().dialect.name, STAMPED, LINES):
        op.execute(statement)
    for table in (*LINES, *reversed(STAMPED)):
        op.drop_table(table)
