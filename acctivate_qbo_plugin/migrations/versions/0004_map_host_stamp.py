"""The host row's change time a link last matched, so an unchanged row is skipped unread.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from acctivate_qbo_plugin.state.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tbSyncMap") as table:
        table.add_column(sa.Column("host_changed_at", UtcDateTime()))
    op.create_index("ix_tbSyncMap_host_changed", "tbSyncMap", ["kind", "host_changed_at"])


def downgrade() -> None:
    op.drop_index("ix_tbSyncMap_host_changed", "tbSyncMap")
    with op.batch_alter_table("tbSyncMap") as table:
        table.drop_column("host_changed_at")
