"""replica versions: the last sequence applied per replicated entity, in place of the time of
the last consent event (issue 11, finding 6)

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

from kabinet_kit.db import UtcDateTime
from kabinet_kit.migrations import create_replica_versions_table, drop_replica_versions_table

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_replica_versions_table(op)
    with op.batch_alter_table("children") as batch_op:
        batch_op.drop_column("consent_at")


def downgrade() -> None:
    with op.batch_alter_table("children") as batch_op:
        batch_op.add_column(sa.Column("consent_at", UtcDateTime(), nullable=True))
    drop_replica_versions_table(op)
