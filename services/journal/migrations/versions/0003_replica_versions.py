"""replica versions: the last sequence applied per replicated entity (issue 11, finding 6)

Revision ID: 0003
Revises: 0002
"""
from alembic import op

from kabinet_kit.migrations import create_replica_versions_table, drop_replica_versions_table

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_replica_versions_table(op)


def downgrade() -> None:
    drop_replica_versions_table(op)
