"""sample service schema: a ledger plus the messaging tables

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from kabinet_kit.migrations import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        # Set when the entry was written by a consumer applying an event (None for local writes).
        sa.Column("event_id", sa.String(36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ledger_entries_event_id", "ledger_entries", ["event_id"])
    create_messaging_tables(op)


def downgrade() -> None:
    drop_messaging_tables(op)
    op.drop_index("ix_ledger_entries_event_id", table_name="ledger_entries")
    op.drop_table("ledger_entries")
