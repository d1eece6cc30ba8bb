"""Revocation cut-offs to the microsecond: a password change refuses the tokens issued before
it in the same second, not those issued after (issue 11, finding 4).

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("revocations") as batch:
        batch.alter_column("issued_before", type_=sa.Double(), existing_type=sa.BigInteger(), existing_nullable=True)


def downgrade() -> None:
    # Rounded up: a cut-off may refuse a little more, never less.
    op.execute("UPDATE revocations SET issued_before = CEIL(issued_before) WHERE issued_before IS NOT NULL"
               if op.get_bind().dialect.name == "postgresql" else
               "UPDATE revocations SET issued_before = CAST(issued_before AS INTEGER) + "
               "(issued_before > CAST(issued_before AS INTEGER)) WHERE issued_before IS NOT NULL")
    with op.batch_alter_table("revocations") as batch:
        batch.alter_column("issued_before", type_=sa.BigInteger(), existing_type=sa.Double(), existing_nullable=True)
