"""What users of the reference ERP do, as the ERP itself would write it.

The fake host and the demo call these, then fire the matching host event, the way a real
host posts a document and then tells its plugins. Records may be named by id or by their
name / number / SKU.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from acctivate_qbo_plugin.reference_host import models as m
from acctivate_qbo_plugin.reference_host.schema import ensure_reference_schema

__all__ = ["DEFAULT_ACCOUNTS", "ReferenceErp"]

Ref = int | str
# Accounts a product or adjustment uses when none is given (QBO's usual names; the host
# gets them from QuickBooks through the accounts section).
DEFAULT_ACCOUNTS = {
    "income": "Sales of Product Income",
    "cogs": "Cost of Goods Sold",
    "asset": "Inventory Asset",
    "adjustment": "Inventory Shrinkage",
}
CENT = Decimal("0.01")


def _d(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


class ReferenceErp:
    """The reference ERP's business actions on its own database."""

    def __init__(self, engine: Engine) -> None:
        ensure_reference_schema(engine)
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    # -- looking things up ---------------------------------------------------------------

    def _id(self, session: Session, model: type[Any], ref: Ref | None, column: str) -> int | None:
        if ref is None:
            return None
        if isinstance(ref, int):
            return ref
        found = session.scalar(select(model.id).where(getattr(model, column) == ref).limit(1))
        if found is None:
            raise LookupError(f"no {model.__tablename__} row with {column} = {ref!r}")
        return found

    def account_id(self, name: str) -> int | None:
        with self.session() as session:
            return session.scalar(
                select(m.Account.id)
                .where((m.Account.name == name) | (m.Account.full_name == name))
                .limit(1)
            )

    def _next_number(self, session: Session, model: type[Any], column: str, prefix: str) -> str:
        highest = session.scalar(select(func.max(model.id))) or 0
        return f"{prefix}{highest + 1:05d}"

    # -- customers, vendors, products ----------------------------------------------------

    def create_customer(
        self,
        name: str,
        *,
        number: str | None = None,
        parent: Ref | None = None,
        terms: Ref | None = None,
        **fields: Any,
    ) -> int:
        with self.session() as session, session.begin():
            customer = m.Customer(
                customer_no=number or self._next_number(session, m.Customer, "customer_no", "C-"),
                name=name,
                parent_id=self._id(session, m.Customer, parent, "name"),
                terms_id=self._id(session, m.Terms, terms, "name"),
                **fields,
            )
            session.add(customer)
            session.flush()
            return customer.id

    def update_customer(self, customer: Ref, **fields: Any) -> None:
        with self.session() as session, session.begin():
            row = session.get_one(m.Customer, self._id(session, m.Customer, customer, "name"))
            for name, value in fields.items():
                setattr(row, name, value)

    def create_vendor(self, name: str, **fields: Any) -> int:
        with self.session() as session, session.begin():
            vendor = m.Vendor(name=name, **fields)
            session.add(vendor)
            session.flush()
            return vendor.id

    def create_product(
        self,
        sku: str,
        *,
        kind: str = "inventory",
        price: Any = "10.00",
        cost: Any = "6.00",
        description: str | None = None,
        start_date: date | None = None,
        income_account: Ref | None = None,
        cogs_account: Ref | None = None,
        asset_account: Ref | None = None,
        taxable: bool = True,
    ) -> int:
        with self.session() as session, session.begin():
            product = m.Product(
                sku=sku,
                kind=kind,
                description=description,
                unit_price=_d(price),
                unit_cost=_d(cost),
                qty_on_hand=Decimal("0"),
                taxable=taxable,
                start_date=start_date or (date(2000, 1, 1) if kind == "inventory" else None),
                income_account_id=self._account(session, income_account, "income"),
                cogs_account_id=self._account(session, cogs_account, "cogs")
                if kind == "inventory"
                else None,
                asset_account_id=self._account(session, asset_account, "asset")
                if kind == "inventory"
                else None,
            )
            session.add(product)
            session.flush()
            return product.id

    def update_product(self, product: Ref, **fields: Any) -> None:
        with self.session() as session, session.begin():
            row = session.get_one(m.Product, self._id(session, m.Product, product, "sku"))
            for name, value in fields.items():
                setattr(row, name, value)

    def _account(self, session: Session, ref: Ref | None, role: str) -> int | None:
        if ref is not None:
            return self._id(session, m.Account, ref, "name")
        return session.scalar(
            select(m.Account.id).where(m.Account.name == DEFAULT_ACCOUNTS[role]).limit(1)
        )

    # -- documents -----------------------------------------------------------------------

    def post_invoice(
        self,
        customer: Ref,
        lines: Sequence[tuple[Ref, Any, Any] | tuple[Ref, Any, Any, bool]],
        *,
        number: str | None = None,
        when: date | None = None,
        memo: str | None = None,
        total: Any = None,
    ) -> int:
        """Post an invoice: lines are (product, quantity, unit price[, taxable]). The host
        does not compute tax: QBO does, and reports the difference."""
        with self.session() as session, session.begin():
            invoice = m.Invoice(
                invoice_no=number or self._next_number(session, m.Invoice, "invoice_no", "INV"),
                customer_id=self._id(session, m.Customer, customer, "name"),
                invoice_date=when or date.today(),
                memo=memo,
                total=Decimal("0"),
                amount_paid=Decimal("0"),
            )
            for line_no, line in enumerate(lines, start=1):
                product_ref, qty, price, *rest = line
                product = session.get_one(
                    m.Product, self._id(session, m.Product, product_ref, "sku")
                )
                amount = (_d(qty) * _d(price)).quantize(CENT, rounding=ROUND_HALF_UP)
                invoice.lines.append(
                    m.InvoiceLine(
                        line_no=line_no,
                        product_id=product.id,
                        description=product.description,
                        quantity=_d(qty),
                        unit_price=_d(price),
                        amount=amount,
                        taxable=rest[0] if rest else product.taxable,
                    )
                )
                invoice.total += amount
                if product.kind == "inventory":
                    product.qty_on_hand -= _d(qty)
            if total is not None:
                invoice.total = _d(total)
            session.add(invoice)
            session.flush()
            return invoice.id

    def edit_invoice(self, invoice: Ref, **fields: Any) -> None:
        """Change an invoice's header (``invoice_date``, ``memo``, ``customer_id``...)."""
        with self.session() as session, session.begin():
            row = session.get_one(m.Invoice, self._id(session, m.Invoice, invoice, "invoice_no"))
            for name, value in fields.items():
                setattr(row, name, value)

    def post_po_invoice(
        self,
        vendor: Ref,
        lines: Sequence[tuple[Ref, Any, Any]],
        *,
        number: str | None = None,
        po_number: str | None = None,
        when: date | None = None,
        memo: str | None = None,
    ) -> int:
        """Post a PO invoice (a receipt against a PO): lines are (product, quantity, unit
        cost). Stock goes up; the receipt is recorded as an inventory transaction."""
        with self.session() as session, session.begin():
            po_invoice = m.POInvoice(
                po_invoice_no=number
                or self._next_number(session, m.POInvoice, "po_invoice_no", "PINV"),
                po_no=po_number,
                vendor_id=self._id(session, m.Vendor, vendor, "name"),
                invoice_date=when or date.today(),
                memo=memo,
                total=Decimal("0"),
            )
            session.add(po_invoice)
            session.flush()
            for line_no, (product_ref, qty, cost) in enumerate(lines, start=1):
                product = session.get_one(
                    m.Product, self._id(session, m.Product, product_ref, "sku")
                )
                amount = (_d(qty) * _d(cost)).quantize(CENT, rounding=ROUND_HALF_UP)
                po_invoice.lines.append(
                    m.POInvoiceLine(
                        line_no=line_no,
                        product_id=product.id,
                        description=product.description,
                        quantity=_d(qty),
                        unit_cost=_d(cost),
                        amount=amount,
                    )
                )
                po_invoice.total += amount
                product.qty_on_hand += _d(qty)
                session.add(
                    m.InventoryTransaction(
                        txn_no=f"R{po_invoice.id}-{line_no}",
                        kind="receipt",
                        product_id=product.id,
                        qty_delta=_d(qty),
                        txn_date=po_invoice.invoice_date,
                        po_invoice_id=po_invoice.id,
                    )
                )
            session.flush()
            return po_invoice.id

    def post_inventory(
        self,
        product: Ref,
        qty_delta: Any,
        *,
        kind: str = "adjustment",
        when: date | None = None,
        account: Ref | None = None,
        memo: str | None = None,
        number: str | None = None,
        from_warehouse: str | None = None,
        to_warehouse: str | None = None,
    ) -> int:
        """Post an inventory transaction: an adjustment (count, shrinkage), a transfer
        between warehouses, or a receipt without a PO invoice."""
        with self.session() as session, session.begin():
            row = session.get_one(m.Product, self._id(session, m.Product, product, "sku"))
            txn = m.InventoryTransaction(
                txn_no=number
                or self._next_number(session, m.InventoryTransaction, "txn_no", "ADJ"),
                kind=kind,
                product_id=row.id,
                qty_delta=_d(qty_delta),
                txn_date=when or date.today(),
                adjust_account_id=self._account(session, account, "adjustment"),
                memo=memo,
                from_warehouse=from_warehouse,
                to_warehouse=to_warehouse,
            )
            if kind != "transfer":
                row.qty_on_hand += _d(qty_delta)
            session.add(txn)
            session.flush()
            return txn.id

    def post_journal(
        self,
        lines: Iterable[tuple[Ref, Any, Any]],
        *,
        number: str | None = None,
        when: date | None = None,
        memo: str | None = None,
    ) -> int:
        """Post a GL journal: lines are (account, debit, credit)."""
        with self.session() as session, session.begin():
            journal = m.GLJournal(
                journal_no=number or self._next_number(session, m.GLJournal, "journal_no", "GL"),
                journal_date=when or date.today(),
                memo=memo,
                source="inventory",
            )
            for line_no, (account, debit, credit) in enumerate(lines, start=1):
                journal.lines.append(
                    m.GLJournalLine(
                        line_no=line_no,
                        account_id=self._id(session, m.Account, account, "name"),
                        debit=_d(debit),
                        credit=_d(credit),
                    )
                )
            session.add(journal)
            session.flush()
            return journal.id

    # -- reading back (tests and the demo) -----------------------------------------------

    def rows(self, model: type[Any], **where: Any) -> list[Any]:
        with self.session() as session:
            query = select(model)
            for name, value in where.items():
                query = query.where(getattr(model, name) == value)
            return list(session.scalars(query.order_by(model.id)))

    def get(self, model: type[Any], row_id: int) -> Any:
        with self.session() as session:
            return session.get(model, row_id)
