"""A company whose sync runs in a child process that a test can kill anywhere.

The QBO sandbox runs in the test process (threads), the sync in ``python -m
acctivate_qbo_plugin sync`` children; the host database is the test's (SQLite or PostgreSQL).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from acctivate_qbo_plugin.crashpoints import CRASH_ENV
from acctivate_qbo_plugin.local_setup import connect_local_sandbox
from acctivate_qbo_plugin.reference_host import models as m
from acctivate_qbo_plugin.reference_host.erp import ReferenceErp
from acctivate_qbo_plugin.state.db import make_engine
from acctivate_qbo_plugin.state.mapping import MappingStore
from acctivate_qbo_plugin.state.models import SyncMap
from acctivate_qbo_plugin.state.store import StateStore

# host kind -> (model, number column, QBO entity, QBO natural key)
DOCUMENTS = {
    "customer": (m.Customer, "name", "Customer", "DisplayName"),
    "product": (m.Product, "sku", "Item", "Name"),
    "invoice": (m.Invoice, "invoice_no", "Invoice", "DocNumber"),
    "po_invoice": (m.POInvoice, "po_invoice_no", "Bill", "DocNumber"),
    "journal": (m.GLJournal, "journal_no", "JournalEntry", "DocNumber"),
}


@dataclass
class CrashLab:
    directory: Path
    sandbox: Any
    database_url: str

    @property
    def config(self) -> Path:
        return self.directory / "acctivate_qbo.toml"

    def erp(self) -> ReferenceErp:
        return ReferenceErp(make_engine(self.database_url))

    def sync(
        self, crash_at: str | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in (CRASH_ENV, "ACCTIVATE_QBO_CONFIG")}
        if crash_at:
            env[CRASH_ENV] = crash_at
        return subprocess.run(
            [sys.executable, "-m", "acctivate_qbo_plugin", "sync", "--config", str(self.config)],
            cwd=self.directory,
            env={**env, "COLUMNS": "160"},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def seed_day(self, records: int = 300) -> dict[str, int]:
        """A mixed day of host work, written without syncing: `records` documents in all."""
        erp, today = self.erp(), date.today()
        vendors = [v.id for v in erp.rows(m.Vendor)]
        counts: Counter[str] = Counter()
        products = [erp.create_product(f"CR-SKU-{n:02d}", price=f"{10 + n}.50") for n in range(20)]
        customers = [erp.create_customer(f"Crash Customer {n:02d}") for n in range(40)]
        counts.update(product=20, customer=40)
        for n in range(40):
            erp.post_inventory(products[n % 20], 50, number=f"CR-ADJ-{n:03d}", when=today)
        counts["inventory"] += 40
        remaining = records - sum(counts.values())
        journals, bills = 20, 30
        for n in range(remaining - journals - bills):
            erp.post_invoice(
                customers[n % 40],
                [
                    (products[n % 20], 1 + n % 3, f"{20 + n % 17}.25"),
                    (products[(n + 7) % 20], 1, "9.99"),
                ],
                number=f"CR-INV-{n:04d}",
                when=today,
            )
            counts["invoice"] += 1
        for n in range(bills):
            erp.post_po_invoice(
                vendors[n % len(vendors)],
                [(products[n % 20], 5, "4.40")],
                number=f"CR-B-{n:03d}",
                when=today,
            )
            counts["po_invoice"] += 1
        for n in range(journals):
            erp.post_journal(
                [
                    ("Cost of Goods Sold", f"{n + 1}.00", "0"),
                    ("Inventory Asset", "0", f"{n + 1}.00"),
                ],
                number=f"CR-GL-{n:03d}",
                when=today,
            )
            counts["journal"] += 1
        assert sum(counts.values()) == records
        return dict(counts)

    def quickbooks_meanwhile(self) -> None:
        """Changes made in QuickBooks while the host worked: the pull sections have work too."""
        for n in range(5):
            self.sandbox.put_entity("Customer", {"DisplayName": f"QB Walk-in {n}", "Active": True})
        self.sandbox.put_entity("Vendor", {"DisplayName": "QB New Vendor", "Active": True})

    def check_converged(self) -> StateStore:
        """Every host record in QBO exactly once and mapped; no create left pending."""
        store = StateStore.open(self.database_url)
        erp = self.erp()
        mapping = MappingStore(store)
        for kind, (model, column, entity, natural) in DOCUMENTS.items():
            in_qbo = Counter(r.get(natural) for r in self.sandbox.entities(entity))
            rows = erp.rows(model)
            links = mapping.links(kind, [str(r.id) for r in rows])
            for row in rows:
                name = getattr(row, column)
                assert in_qbo[name] == 1, f"{kind} {name!r} is in QuickBooks {in_qbo[name]} times"
                link = links.get(str(row.id))
                assert link is not None and link.state == "synced", f"{kind} {name!r}: {link}"
                assert self.sandbox.entity(entity, link.qbo_id)[natural] == name
        adjustments = Counter(
            a.get("DocNumber") for a in self.sandbox.entities("InventoryAdjustment")
        )
        for row in erp.rows(m.InventoryTransaction, kind="adjustment"):
            assert adjustments[row.txn_no] == 1, (
                f"adjustment {row.txn_no}: {adjustments[row.txn_no]}"
            )
        with store.session() as session:
            unsettled = session.query(SyncMap).filter(SyncMap.state != "synced").count()
        assert unsettled == 0
        for walk_in in range(5):
            assert erp.rows(m.Customer, name=f"QB Walk-in {walk_in}"), "a QBO change was lost"
        return store


def make_lab(directory: Path, sandbox: Any, database_url: str) -> CrashLab:
    connect_local_sandbox(directory, sandbox, {"database": {"url": database_url}})
    lab = CrashLab(directory, sandbox, database_url)
    first = lab.sync()  # the company comes in: accounts, vendors, terms...
    assert first.returncode == 0, first.stdout + first.stderr
    return lab


def yesterday() -> date:
    return date.today() - timedelta(days=1)
