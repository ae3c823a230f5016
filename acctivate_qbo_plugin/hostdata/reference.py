"""The plugin's access to the reference host schema: the one place that knows its tables.

Another host maps its own schema by providing an object with the same methods
(:class:`acctivate_qbo_plugin.hostdata.HostData`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    String,
    and_,
    cast,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, sessionmaker

from acctivate_qbo_plugin.hostdata.records import (
    HostCustomer,
    HostInventoryTxn,
    HostInvoice,
    HostInvoiceLine,
    HostJournal,
    HostJournalLine,
    HostPOInvoice,
    HostPOInvoiceLine,
    HostProduct,
    HostRecord,
    SettledCondition,
)
from acctivate_qbo_plugin.reference_host import models as m
from acctivate_qbo_plugin.reference_host.schema import ensure_reference_schema
from acctivate_qbo_plugin.state.db import database_now

__all__ = ["ReferenceHostData"]

# kind -> (model, name column used to match a QBO record to an existing host row)
_MODELS: dict[str, tuple[type[Any], str | None]] = {
    "account": (m.Account, "full_name"),
    "terms": (m.Terms, "name"),
    "payment_method": (m.PaymentMethod, "name"),
    "tax_code": (m.TaxCode, "name"),
    "customer": (m.Customer, "name"),
    "vendor": (m.Vendor, "name"),
    "product": (m.Product, "sku"),
    "invoice": (m.Invoice, "invoice_no"),
    "po_invoice": (m.POInvoice, "po_invoice_no"),
    "inventory": (m.InventoryTransaction, "txn_no"),
    "journal": (m.GLJournal, "journal_no"),
    "payment": (m.Payment, None),
}
# fields whose value is another record's key -> (column, kind)
_REFERENCES = {
    "terms_key": "terms_id",
    "parent_key": "parent_id",
    "customer_key": "customer_id",
    "method_key": "method_id",
}


def _key(value: int | None) -> str | None:
    return None if value is None else str(value)


def _id(key: str | None) -> int | None:
    return None if key is None else int(key)


class ReferenceHostData:
    """Reads changed host records and writes QBO changes into the reference schema."""

    def __init__(self, engine: Engine, *, shares_plugin_database: bool = True) -> None:
        """:param shares_plugin_database: the plugin's tables are in this database too (the
        default: the plugin keeps its tables beside the host's)."""
        self.engine = engine
        self.shares_plugin_database = shares_plugin_database
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def ensure_schema(self) -> None:
        ensure_reference_schema(self.engine)

    def session(self) -> Session:
        return self._sessions()

    def now(self) -> datetime:
        with self.engine.connect() as connection:
            return database_now(connection)

    # -- reading what changed ------------------------------------------------------------

    def changed(
        self,
        kind: str,
        since: datetime | None,
        until: datetime | None = None,
        *,
        chunk: int = 500,
    ) -> Iterator[list[HostRecord]]:
        """Records of ``kind`` changed in [since, until), oldest first, ``chunk`` at a time.

        Pages by (changed_at, id), so memory stays flat however many there are and a row
        that shares a timestamp with a page boundary is neither skipped nor repeated.
        """
        model, _ = _MODELS[kind]
        after: tuple[datetime, int] | None = None
        while True:
            query = select(model.id, model.changed_at).order_by(model.changed_at, model.id)
            if since is not None:
                query = query.where(model.changed_at >= since)
            if until is not None:
                query = query.where(model.changed_at < until)
            if after is not None:
                query = query.where(
                    or_(
                        model.changed_at > after[0],
                        and_(model.changed_at == after[0], model.id > after[1]),
                    )
                )
            with self.session() as session:
                rows = session.execute(query.limit(chunk)).all()
                if not rows:
                    return
                after = (rows[-1].changed_at, rows[-1].id)
                records = self._load(session, kind, [r.id for r in rows])
            yield [records[str(r.id)] for r in rows if str(r.id) in records]
            if len(rows) < chunk:
                return

    def changed_stamps(
        self,
        kind: str,
        since: datetime | None,
        *,
        chunk: int = 500,
        unless: SettledCondition | None = None,
    ) -> Iterator[list[tuple[str, datetime]]]:
        """(key, changed_at) of the records changed since ``since``, oldest first, in pages:
        what a review needs to decide which records to read at all (one index scan). With
        ``unless``, rows it is true for are left out by the database: a review of thousands
        of rows already in QBO then lists none of them."""
        model, _ = _MODELS[kind]
        if unless is not None and not self.shares_plugin_database:
            raise ValueError("the plugin's tables are in another database: nothing to join")
        after: tuple[datetime, int] | None = None
        while True:
            query = select(model.id, model.changed_at).order_by(model.changed_at, model.id)
            if unless is not None:
                query = query.where(~unless(cast(model.id, String), model.changed_at))
            if since is not None:
                query = query.where(model.changed_at >= since)
            if after is not None:
                query = query.where(
                    or_(
                        model.changed_at > after[0],
                        and_(model.changed_at == after[0], model.id > after[1]),
                    )
                )
            with self.engine.connect() as connection:
                rows = connection.execute(query.limit(chunk)).all()
            if not rows:
                return
            after = (rows[-1].changed_at, rows[-1].id)
            yield [(str(r.id), r.changed_at) for r in rows]
            if len(rows) < chunk:
                return

    def get(self, kind: str, keys: Iterable[str]) -> dict[str, HostRecord]:
        ids = [int(k) for k in keys]
        if not ids:
            return {}
        with self.session() as session:
            return self._load(session, kind, ids)

    def describe(self, kind: str, key: str) -> str:
        """A record as a bookkeeper knows it, e.g. "vendor 'Norton Lumber'", for messages."""
        model, column = _MODELS[kind]
        label = kind.replace("_", " ")
        with self.session() as session:
            row = session.get(model, int(key)) if key.isdigit() else None
        if row is None:
            return f"{label} {key} (no longer in the host)"
        name = getattr(row, column) if column else None
        return f"{label} {name!r}" if name is not None else f"{label} {key}"

    def count_changed(self, kind: str, since: datetime | None) -> int:
        model, _ = _MODELS[kind]
        query = select(func.count()).select_from(model)
        if since is not None:
            query = query.where(model.changed_at >= since)
        with self.session() as session:
            return int(session.scalar(query) or 0)

    def _load(self, session: Session, kind: str, ids: list[int]) -> dict[str, HostRecord]:
        loader = getattr(self, f"_load_{kind}")
        return {r.key: r for r in loader(session, ids)}

    def _load_customer(self, session: Session, ids: list[int]) -> Iterator[HostCustomer]:
        for c in session.scalars(select(m.Customer).where(m.Customer.id.in_(ids))):
            yield HostCustomer(
                key=str(c.id),
                number=c.customer_no,
                name=c.name,
                company=c.company,
                first_name=c.first_name,
                last_name=c.last_name,
                email=c.email,
                phone=c.phone,
                address=c.address,
                city=c.city,
                region=c.region,
                postal_code=c.postal_code,
                taxable=c.taxable,
                terms_key=_key(c.terms_id),
                parent_key=_key(c.parent_id),
                active=c.active,
                changed_at=c.changed_at,
            )

    def _load_product(self, session: Session, ids: list[int]) -> Iterator[HostProduct]:
        for p in session.scalars(select(m.Product).where(m.Product.id.in_(ids))):
            yield HostProduct(
                key=str(p.id),
                sku=p.sku,
                description=p.description,
                kind=p.kind,
                unit_price=p.unit_price,
                unit_cost=p.unit_cost,
                qty_on_hand=p.qty_on_hand,
                taxable=p.taxable,
                start_date=p.start_date,
                income_account_key=_key(p.income_account_id),
                cogs_account_key=_key(p.cogs_account_id),
                asset_account_key=_key(p.asset_account_id),
                active=p.active,
                changed_at=p.changed_at,
            )

    def _load_invoice(self, session: Session, ids: list[int]) -> Iterator[HostInvoice]:
        lines: dict[int, list[HostInvoiceLine]] = {i: [] for i in ids}
        for line in session.scalars(
            select(m.InvoiceLine)
            .where(m.InvoiceLine.invoice_id.in_(ids))
            .order_by(m.InvoiceLine.invoice_id, m.InvoiceLine.line_no)
        ):
            lines[line.invoice_id].append(
                HostInvoiceLine(
                    product_key=str(line.product_id),
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    amount=line.amount,
                    taxable=line.taxable,
                )
            )
        for i in session.scalars(select(m.Invoice).where(m.Invoice.id.in_(ids))):
            yield HostInvoice(
                key=str(i.id),
                number=i.invoice_no,
                customer_key=str(i.customer_id),
                date=i.invoice_date,
                due_date=i.due_date,
                terms_key=_key(i.terms_id),
                memo=i.memo,
                total=i.total,
                lines=tuple(lines[i.id]),
                changed_at=i.changed_at,
            )

    def _load_po_invoice(self, session: Session, ids: list[int]) -> Iterator[HostPOInvoice]:
        lines: dict[int, list[HostPOInvoiceLine]] = {i: [] for i in ids}
        for line in session.scalars(
            select(m.POInvoiceLine)
            .where(m.POInvoiceLine.po_invoice_id.in_(ids))
            .order_by(m.POInvoiceLine.po_invoice_id, m.POInvoiceLine.line_no)
        ):
            lines[line.po_invoice_id].append(
                HostPOInvoiceLine(
                    product_key=_key(line.product_id),
                    account_key=_key(line.account_id),
                    description=line.description,
                    quantity=line.quantity,
                    unit_cost=line.unit_cost,
                    amount=line.amount,
                )
            )
        for p in session.scalars(select(m.POInvoice).where(m.POInvoice.id.in_(ids))):
            yield HostPOInvoice(
                key=str(p.id),
                number=p.po_invoice_no,
                po_number=p.po_no,
                vendor_key=str(p.vendor_id),
                date=p.invoice_date,
                due_date=p.due_date,
                memo=p.memo,
                total=p.total,
                lines=tuple(lines[p.id]),
                changed_at=p.changed_at,
            )

    def _load_inventory(self, session: Session, ids: list[int]) -> Iterator[HostInventoryTxn]:
        model = m.InventoryTransaction
        for t in session.scalars(select(model).where(model.id.in_(ids))):
            yield HostInventoryTxn(
                key=str(t.id),
                number=t.txn_no,
                kind=t.kind,
                product_key=str(t.product_id),
                qty_delta=t.qty_delta,
                date=t.txn_date,
                adjust_account_key=_key(t.adjust_account_id),
                po_invoice_key=_key(t.po_invoice_id),
                memo=t.memo,
                changed_at=t.changed_at,
            )

    def _load_journal(self, session: Session, ids: list[int]) -> Iterator[HostJournal]:
        lines: dict[int, list[HostJournalLine]] = {i: [] for i in ids}
        for line in session.scalars(
            select(m.GLJournalLine)
            .where(m.GLJournalLine.journal_id.in_(ids))
            .order_by(m.GLJournalLine.journal_id, m.GLJournalLine.line_no)
        ):
            lines[line.journal_id].append(
                HostJournalLine(
                    account_key=str(line.account_id),
                    debit=line.debit,
                    credit=line.credit,
                    memo=line.memo,
                    customer_key=_key(line.customer_id),
                    vendor_key=_key(line.vendor_id),
                )
            )
        for j in session.scalars(select(m.GLJournal).where(m.GLJournal.id.in_(ids))):
            yield HostJournal(
                key=str(j.id),
                number=j.journal_no,
                date=j.journal_date,
                memo=j.memo,
                lines=tuple(lines[j.id]),
                changed_at=j.changed_at,
            )

    # -- writing what QBO changed --------------------------------------------------------

    def find_keys(self, kind: str, names: Iterable[str]) -> dict[str, str]:
        """Existing host rows by name (to link instead of creating a twin); first one wins."""
        model, column = _MODELS[kind]
        wanted = list(dict.fromkeys(names))
        if column is None or not wanted:
            return {}
        found: dict[str, str] = {}
        with self.session() as session:
            for start in range(0, len(wanted), 500):
                rows = session.execute(
                    select(getattr(model, column), model.id)
                    .where(getattr(model, column).in_(wanted[start : start + 500]))
                    .order_by(model.id)
                )
                for name, row_id in rows:
                    found.setdefault(name, str(row_id))
        return found

    def upsert(self, kind: str, key: str | None, fields: Mapping[str, Any]) -> str:
        """Create (``key`` None) or update a host row from QBO's data; return its key."""
        return self.upsert_many(kind, [(key, fields)])[0]

    def upsert_many(
        self,
        kind: str,
        items: Iterable[tuple[str | None, Mapping[str, Any]]],
        *,
        on_written: Callable[[list[str], Connection | None], None] | None = None,
    ) -> list[str]:
        """:meth:`upsert` for many rows in one transaction; keys in the same order.

        :param on_written: called with the keys and this transaction's connection before it
            commits, so the caller's own rows (the mapping) commit with the host's. When the
            plugin's tables are in another database the two cannot commit as one: it is then
            called with ``None`` right after the host's commit, so a link never names a row
            that was rolled back (a crash between the two leaves a row without its link,
            which the next pull adopts where it may, rather than a link to nothing).
        """
        model, _ = _MODELS[kind]
        keys: list[str] = []
        with self.session() as session, session.begin():
            for key, fields in items:
                values = dict(fields)
                applications = values.pop("applications", None)
                for field_name, column in _REFERENCES.items():
                    if field_name in values:
                        values[column] = _id(values.pop(field_name))
                row = session.get(model, int(key)) if key is not None else None
                if row is None:
                    if kind == "customer" and "customer_no" not in values:
                        values["customer_no"] = self._next_customer_no(session)
                    row = model(**values)
                    session.add(row)
                else:
                    for name, value in values.items():
                        if getattr(row, name) != value:
                            setattr(row, name, value)
                session.flush()
                if applications is not None:
                    self._apply_payment(session, row, applications)
                keys.append(str(row.id))
            if on_written is not None and self.shares_plugin_database:
                on_written(keys, session.connection())
        if on_written is not None and not self.shares_plugin_database:
            on_written(keys, None)
        return keys

    def _next_customer_no(self, session: Session) -> str:
        highest = session.scalar(select(func.max(m.Customer.id))) or 0
        return f"QB-{highest + 1}"

    def _apply_payment(
        self, session: Session, payment: m.Payment, applications: Iterable[tuple[str, Decimal]]
    ) -> None:
        touched = {a.invoice_id for a in payment.applications}
        payment.applications.clear()
        session.flush()
        if not payment.voided:
            for invoice_key, amount in applications:
                payment.applications.append(
                    m.PaymentApplication(invoice_id=int(invoice_key), amount=amount)
                )
                touched.add(int(invoice_key))
        session.flush()
        for invoice_id in touched:
            paid = session.scalar(
                select(func.coalesce(func.sum(m.PaymentApplication.amount), 0)).where(
                    m.PaymentApplication.invoice_id == invoice_id
                )
            )
            invoice = session.get(m.Invoice, invoice_id)
            if invoice is not None and invoice.amount_paid != paid:
                invoice.amount_paid = Decimal(paid)

    def deactivate(self, kind: str, key: str) -> bool:
        """Make a row inactive (a voided payment for payments); False if it is not there."""
        model, _ = _MODELS[kind]
        with self.session() as session, session.begin():
            row = session.get(model, int(key))
            if row is None:
                return False
            if kind == "payment":
                row.voided = True
                self._apply_payment(session, row, ())
            elif row.active:
                row.active = False
            return True

    def in_use(self, kind: str, key: str) -> bool:
        """Whether other host records refer to this one (then it is never deleted)."""
        checks = {
            "customer": [(m.Invoice, m.Invoice.customer_id), (m.Payment, m.Payment.customer_id)],
            "vendor": [(m.POInvoice, m.POInvoice.vendor_id)],
            "account": [
                (m.GLJournalLine, m.GLJournalLine.account_id),
                (m.Product, m.Product.income_account_id),
                (m.Product, m.Product.cogs_account_id),
                (m.Product, m.Product.asset_account_id),
            ],
            "terms": [(m.Customer, m.Customer.terms_id), (m.Invoice, m.Invoice.terms_id)],
            "payment_method": [(m.Payment, m.Payment.method_id)],
        }
        with self.session() as session:
            for _model, column in checks.get(kind, []):
                if session.scalar(select(exists().where(column == int(key)))):
                    return True
        return False
