"""Revocations and the consumer's processed events.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

from kabinet_kit.db import BigId
from kabinet_kit.outbox import processed_events_table

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revocations",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.Column("issued_before", sa.BigInteger, nullable=True),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_revocations_created_at", "revocations", ["created_at"])
    processed_events_table(sa.MetaData()).create(op.get_bind(), checkfirst=False)


def downgrade() -> None:
    op.drop_table("processed_events")
    op.drop_index("ix_revocations_created_at", table_name="revocations")
    op.drop_table("revocations")
