"""The host <-> QBO mapping, with fingerprints and pending creates.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from acctivate_qbo_plugin.state.types import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tbSyncMap",
        sa.Column("kind", sa.String(30), primary_key=True),
        sa.Column("host_key", sa.String(64), primary_key=True),
        sa.Column("qbo_entity", sa.String(40), nullable=False),
        sa.Column("qbo_id", sa.String(40)),
        sa.Column("sync_token", sa.String(20)),
        sa.Column("fingerprint", sa.String(64)),
        sa.Column("qbo_updated_at", UtcDateTime()),
        sa.Column("state", sa.String(10), nullable=False, server_default="synced"),
        sa.Column("natural_key", sa.String(200)),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ux_tbSyncMap_qbo", "tbSyncMap", ["qbo_entity", "qbo_id"], unique=True)
    op.create_index("ix_tbSyncMap_state", "tbSyncMap", ["kind", "state"])


def downgrade() -> None:
    op.drop_index("ix_tbSyncMap_state", "tbSyncMap")
    op.drop_index("ux_tbSyncMap_qbo", "tbSyncMap")
    op.drop_table("tbSyncMap")
