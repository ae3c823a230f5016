"""The sync state: sync times, runs, the sync log and the retry list.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from acctivate_qbo_plugin.state.types import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tbSyncTime",
        sa.Column("section", sa.String(40), primary_key=True),
        sa.Column("sync_time", UtcDateTime()),
        sa.Column("qbo_sync_time", UtcDateTime()),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "tbSyncRun",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("trigger", sa.String(40), nullable=False),
        sa.Column("sections", sa.Text, nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False, index=True),
        sa.Column("finished_at", UtcDateTime()),
        sa.Column("outcome", sa.String(10)),
        sa.Column("stopped_early", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "tbSyncRunSection",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("tbSyncRun.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("section", sa.String(40), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime()),
        sa.Column("outcome", sa.String(10)),
        *(
            sa.Column(name, sa.Integer, nullable=False, server_default="0")
            for name in ("created", "updated", "deleted", "unchanged", "warnings", "errors")
        ),
        sa.Column("sync_time_before", UtcDateTime()),
        sa.Column("sync_time_after", UtcDateTime()),
    )
    op.create_index(
        "ix_tbSyncRunSection_section_started", "tbSyncRunSection", ["section", "started_at"]
    )
    op.create_table(
        "tbSyncLog",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("tbSyncRun.id", ondelete="SET NULL"), index=True
        ),
        sa.Column("section", sa.String(40), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("logged_at", UtcDateTime(), nullable=False, index=True),
        sa.Column("record", sa.String(200)),
        sa.Column("qbo_id", sa.String(40)),
        sa.Column("code", sa.String(20)),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("fix_hint", sa.Text),
    )
    op.create_index("ix_tbSyncLog_section_logged", "tbSyncLog", ["section", "logged_at"])
    op.create_table(
        "tbSyncRetry",
        sa.Column("section", sa.String(40), primary_key=True),
        sa.Column("record", sa.String(200), primary_key=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("first_failed_at", UtcDateTime(), nullable=False),
        sa.Column("last_failed_at", UtcDateTime(), nullable=False),
        sa.Column("code", sa.String(20)),
        sa.Column("message", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tbSyncRetry")
    op.drop_index("ix_tbSyncLog_section_logged", "tbSyncLog")
    op.drop_table("tbSyncLog")
    op.drop_index("ix_tbSyncRunSection_section_started", "tbSyncRunSection")
    op.drop_table("tbSyncRunSection")
    op.drop_table("tbSyncRun")
    op.drop_table("tbSyncTime")
