"""entity sequences on consents and role assignments (issue 11, finding 6)

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("consents", "role_assignments"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default=sa.text("1"), nullable=False))
    # What has ended already has had its second event: the next change goes after it.
    op.execute("UPDATE consents SET sequence = 2 WHERE status <> 'active'")
    op.execute("UPDATE role_assignments SET sequence = 2 WHERE revoked_at IS NOT NULL")


def downgrade() -> None:
    for table in ("consents", "role_assignments"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("sequence")
