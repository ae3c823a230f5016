"""The reference host schema: the tables of an inventory ERP, shaped like Acctivate's.

The demo and the tests run against it; a real host has its own schema, which
``acctivate_qbo_plugin.hostdata`` maps. Every row carries ``changed_at``, set by the DATABASE
(a trigger, see the migration) in the same transaction that changed the row; changing a line
touches its document. It is indexed: a sync reviews ``changed_at >= sync time``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from acctivate_qbo_plugin.state.types import UtcDateTime

__all__ = [
    "Account",
    "Customer",
    "GLJournal",
    "GLJournalLine",
    "HostBase",
    "InventoryTransaction",
    "Invoice",
    "InvoiceLine",
    "POInvoice",
    "POInvoiceLine",
    "Payment",
    "PaymentApplication",
    "PaymentMethod",
    "Product",
    "TaxCode",
    "Terms",
    "Vendor",
]

Money = Numeric(14, 2)
Quantity = Numeric(14, 4)


class HostBase(DeclarativeBase):
    pass


class Changed:
    """``changed_at``: when the row last changed, by the database's clock (UTC)."""

    @declared_attr
    def changed_at(cls) -> Mapped[datetime]:
        return mapped_column(UtcDateTime, nullable=True)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Index, ...]:
        return (Index(f"ix_{cls.__tablename__}_changed_at", "changed_at"),)


class Account(Changed, HostBase):
    __tablename__ = "tbGLAccount"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    full_name: Mapped[str] = mapped_column(String(300))
    account_type: Mapped[str] = mapped_column(String(40))
    sub_type: Mapped[str | None] = mapped_column(String(60))
    classification: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Terms(Changed, HostBase):
    __tablename__ = "tbTerms"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    due_days: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PaymentMethod(Changed, HostBase):
    __tablename__ = "tbPaymentMethod"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    is_card: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class TaxCode(Changed, HostBase):
    __tablename__ = "tbTaxCode"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    taxable: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Customer(Changed, HostBase):
    __tablename__ = "tbCustomer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_no: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))  # QBO DisplayName
    company: Mapped[str | None] = mapped_column(String(200))
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(40))
    postal_code: Mapped[str | None] = mapped_column(String(30))
    taxable: Mapped[bool] = mapped_column(Boolean, default=True)
    terms_id: Mapped[int | None] = mapped_column(ForeignKey("tbTerms.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tbCustomer.id"))  # a job
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Vendor(Changed, HostBase):
    __tablename__ = "tbVendor"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vendor_no: Mapped[str | None] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    terms_id: Mapped[int | None] = mapped_column(ForeignKey("tbTerms.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Product(Changed, HostBase):
    __tablename__ = "tbProduct"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(String(4000))
    kind: Mapped[str] = mapped_column(String(20), default="inventory")  # inventory / service
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    unit_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    qty_on_hand: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    taxable: Mapped[bool] = mapped_column(Boolean, default=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    income_account_id: Mapped[int | None] = mapped_column(ForeignKey("tbGLAccount.id"))
    cogs_account_id: Mapped[int | None] = mapped_column(ForeignKey("tbGLAccount.id"))
    asset_account_id: Mapped[int | None] = mapped_column(ForeignKey("tbGLAccount.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Invoice(Changed, HostBase):
    __tablename__ = "tbInvoice"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_no: Mapped[str] = mapped_column(String(21), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("tbCustomer.id"))
    invoice_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    terms_id: Mapped[int | None] = mapped_column(ForeignKey("tbTerms.id"))
    memo: Mapped[str | None] = mapped_column(Text)
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    amount_paid: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    lines: Mapped[list[InvoiceLine]] = relationship(
        order_by="InvoiceLine.line_no", cascade="all, delete-orphan"
    )


class InvoiceLine(HostBase):
    __tablename__ = "tbInvoiceLine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("tbInvoice.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("tbProduct.id"))
    description: Mapped[str | None] = mapped_column(String(4000))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    amount: Mapped[Decimal] = mapped_column(Money)
    taxable: Mapped[bool] = mapped_column(Boolean, default=True)


class POInvoice(Changed, HostBase):
    __tablename__ = "tbPOInvoice"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    po_invoice_no: Mapped[str] = mapped_column(String(21), unique=True)
    po_no: Mapped[str | None] = mapped_column(String(30))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("tbVendor.id"))
    invoice_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    memo: Mapped[str | None] = mapped_column(Text)
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    lines: Mapped[list[POInvoiceLine]] = relationship(
        order_by="POInvoiceLine.line_no", cascade="all, delete-orphan"
    )


class POInvoiceLine(HostBase):
    __tablename__ = "tbPOInvoiceLine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    po_invoice_id: Mapped[int] = mapped_column(ForeignKey("tbPOInvoice.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("tbProduct.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("tbGLAccount.id"))  # freight etc.
    description: Mapped[str | None] = mapped_column(String(4000))
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("1"))
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    amount: Mapped[Decimal] = mapped_column(Money)


class InventoryTransaction(Changed, HostBase):
    __tablename__ = "tbInventoryTransaction"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    txn_no: Mapped[str] = mapped_column(String(21), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # adjustment / transfer / receipt
    product_id: Mapped[int] = mapped_column(ForeignKey("tbProduct.id"))
    qty_delta: Mapped[Decimal] = mapped_column(Quantity)
    from_warehouse: Mapped[str | None] = mapped_column(String(30))
    to_warehouse: Mapped[str | None] = mapped_column(String(30))
    txn_date: Mapped[date] = mapped_column(Date)
    adjust_account_id: Mapped[int | None] = mapped_column(ForeignKey("tbGLAccount.id"))
    po_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("tbPOInvoice.id"))
    memo: Mapped[str | None] = mapped_column(Text)


class GLJournal(Changed, HostBase):
    __tablename__ = "tbGLJournal"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    journal_no: Mapped[str] = mapped_column(String(21), unique=True)
    journal_date: Mapped[date] = mapped_column(Date)
    memo: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(30), default="inventory")
    lines: Mapped[list[GLJournalLine]] = relationship(
        order_by="GLJournalLine.line_no", cascade="all, delete-orphan"
    )


class GLJournalLine(HostBase):
    __tablename__ = "tbGLJournalLine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    journal_id: Mapped[int] = mapped_column(ForeignKey("tbGLJournal.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    account_id: Mapped[int] = mapped_column(ForeignKey("tbGLAccount.id"))
    debit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    credit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    memo: Mapped[str | None] = mapped_column(String(4000))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("tbCustomer.id"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("tbVendor.id"))


class Payment(Changed, HostBase):
    __tablename__ = "tbPayment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(40))
    customer_id: Mapped[int] = mapped_column(ForeignKey("tbCustomer.id"))
    payment_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money)
    method_id: Mapped[int | None] = mapped_column(ForeignKey("tbPaymentMethod.id"))
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    applications: Mapped[list[PaymentApplication]] = relationship(cascade="all, delete-orphan")


class PaymentApplication(HostBase):
    __tablename__ = "tbPaymentApplication"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("tbPayment.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("tbInvoice.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
