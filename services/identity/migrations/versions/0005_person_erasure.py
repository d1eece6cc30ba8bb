"""the record of a person's erasure: when, by whom, on what basis (IDN-08; issue 11, Low)

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

from kabinet_kit.db import UtcDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('people') as batch_op:
        batch_op.add_column(sa.Column('erased_at', UtcDateTime(), nullable=True))
        batch_op.add_column(sa.Column('erased_by', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('erasure_basis', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('people') as batch_op:
        batch_op.drop_column('erasure_basis')
        batch_op.drop_column('erased_by')
        batch_op.drop_column('erased_at')
