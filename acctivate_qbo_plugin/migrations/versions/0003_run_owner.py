"""Which process ran each sync run, so a run a crash left open can be recognised.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tbSyncRun") as table:
        table.add_column(sa.Column("owner", sa.String(100)))
        # room for "interrupted"
        table.alter_column("outcome", type_=sa.String(12), existing_type=sa.String(10))
    with op.batch_alter_table("tbSyncRunSection") as table:
        table.alter_column("outcome", type_=sa.String(12), existing_type=sa.String(10))


def downgrade() -> None:
    with op.batch_alter_table("tbSyncRunSection") as table:
        table.alter_column("outcome", type_=sa.String(10), existing_type=sa.String(12))
    with op.batch_alter_table("tbSyncRun") as table:
        table.alter_column("outcome", type_=sa.String(10), existing_type=sa.String(12))
        table.drop_column("owner")
