"""No record skipped: late commits, ties at a page boundary, daylight-saving changes."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from acctivate_qbo_plugin.fake_host import FakeHost
from acctivate_qbo_plugin.reference_host import models as m


def test_a_transaction_committing_after_the_sync_read_is_synced_next_time(
    connected_host_factory, acctivate_database_url: str
) -> None:
    if not acctivate_database_url.startswith("postgresql"):
        pytest.skip("late commits need concurrent writers: PostgreSQL (CI's second pass)")
    # No overlap: only the database clock's hold-back can save the late row.
    host: FakeHost = connected_host_factory(sync={"overlap_seconds": 0})
    host.sync_now()
    product = host.erp.create_product("LATE-1")
    customer = host.erp.create_customer("Late Committer")
    host.sync_now()

    writer = create_engine(acctivate_database_url)
    with writer.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection) as session:
            invoice = m.Invoice(
                invoice_no="LATE-INV",
                customer_id=customer,
                invoice_date=date.today(),
                total=Decimal("10.00"),
                amount_paid=Decimal("0"),
            )
            invoice.lines.append(
                m.InvoiceLine(
                    line_no=1,
                    product_id=product,
                    quantity=Decimal(1),
                    unit_price=Decimal("10.00"),
                    amount=Decimal("10.00"),
                )
            )
            session.add(invoice)
            session.flush()  # stamped now, committed later
            during = host.sync_now()  # reads and moves its sync time while the row is invisible
            assert during.sections["invoices"].counts.created == 0
            transaction.commit()
    writer.dispose()
    after = host.sync_now()
    assert after.sections["invoices"].counts.created == 1
    assert [i["DocNumber"] for i in host.sandbox.entities("Invoice")].count("LATE-INV") == 1


def _same_second_invoices(host: FakeHost, url: str, count: int, prefix: str) -> set[datetime]:
    """``count`` invoices whose changed_at is one and the same instant (one UPDATE stamps them
    all at once, on SQLite and PostgreSQL alike)."""
    product = host.erp.create_product(f"{prefix}-SKU")
    customer = host.erp.create_customer(f"{prefix} Customer")
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        for n in range(count):
            invoice = m.Invoice(
                invoice_no=f"{prefix}-{n:04d}",
                customer_id=customer,
                invoice_date=date.today(),
                total=Decimal("5.00"),
                amount_paid=Decimal("0"),
            )
            invoice.lines.append(
                m.InvoiceLine(
                    line_no=1,
                    product_id=product,
                    quantity=Decimal(1),
                    unit_price=Decimal("5.00"),
                    amount=Decimal("5.00"),
                )
            )
            session.add(invoice)
    with engine.begin() as connection:
        connection.execute(
            m.Invoice.__table__.update()
            .where(m.Invoice.invoice_no.like(f"{prefix}-%"))
            .values(memo="stamped together")
        )
    engine.dispose()
    return {i.changed_at for i in host.erp.rows(m.Invoice) if i.invoice_no.startswith(prefix)}


def test_rows_sharing_a_timestamp_across_page_boundaries_all_go_once(
    connected_host_factory, acctivate_database_url: str
) -> None:
    host: FakeHost = connected_host_factory()
    host.sync_now()
    stamps = _same_second_invoices(host, acctivate_database_url, 700, "TIE")
    assert len(stamps) == 1
    host.fire_invoice_posted([])
    result = host.sync_now(300)
    assert result.sections["invoices"].counts.created == 700  # two pages of 600 and 100
    in_qbo = Counter(i["DocNumber"] for i in host.sandbox.entities("Invoice"))
    assert all(in_qbo[f"TIE-{n:04d}"] == 1 for n in range(700))


def test_the_host_review_pages_through_ties_without_skipping_or_repeating(
    connected_host_factory, acctivate_database_url: str
) -> None:
    from acctivate_qbo_plugin.hostdata import ReferenceHostData

    host: FakeHost = connected_host_factory()
    stamps = _same_second_invoices(host, acctivate_database_url, 50, "PAGE")
    (stamp,) = stamps
    data = ReferenceHostData(create_engine(acctivate_database_url))
    pages = list(data.changed("invoice", stamp, chunk=7))
    numbers = [r.number for page in pages for r in page if r.number.startswith("PAGE")]
    assert len(pages) == 8 and sorted(numbers) == [f"PAGE-{n:04d}" for n in range(50)]
    assert len(set(numbers)) == 50
    data.engine.dispose()


def test_a_daylight_saving_change_in_quickbooks_misses_nothing(connected_host_factory) -> None:
    host: FakeHost = connected_host_factory(
        sync={"overlap_seconds": 0},
        sandbox_settings={"company_timezone": "America/Los_Angeles"},
    )
    clock = host.sandbox.clock
    clock.travel_to(datetime(2026, 11, 1, 8, 20, tzinfo=UTC))  # 01:20 PDT (UTC-7)
    host.sync_now()
    clock.travel_to(
        datetime(2026, 11, 1, 9, 10, tzinfo=UTC)
    )  # 01:10 PST (UTC-8): earlier on the wall
    vendor = next(
        v for v in host.sandbox.entities("Vendor") if v["DisplayName"] == "Books by Bessie"
    )
    changed = host.sandbox.put_entity("Vendor", {**vendor, "CompanyName": "After The Change"})
    assert changed["MetaData"]["LastUpdatedTime"].endswith("-08:00")
    result = host.sync_now()
    assert result.sections["vendors"].counts.updated == 1
    (row,) = host.erp.rows(m.Vendor, name="Books by Bessie")
    assert row.company == "After The Change"
