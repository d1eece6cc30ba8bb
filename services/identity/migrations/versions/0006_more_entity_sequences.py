"""entity sequences on accounts, guardian links, movements and people (issue 11, finding 6)

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = ("accounts", "guardianships", "movements", "people")


def upgrade() -> None:
    for table in TABLES:
        # A constant default: SQLite adds the column in place instead of copying the table, which
        # it could not drop while other tables' rows refer to it.
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="1", nullable=False))
    # What happened already counts: the next change of an account goes after its first login and
    # deactivation, and a child's entries are numbered in the order they were recorded.
    op.execute("UPDATE accounts SET sequence = 1 + (CASE WHEN activated_at IS NULL THEN 0 ELSE 1 END)"
               " + (CASE WHEN deactivated_at IS NULL THEN 0 ELSE 1 END)")
    op.execute("UPDATE movements SET sequence = (SELECT count(*) FROM movements AS earlier"
               " WHERE earlier.child_id = movements.child_id AND (earlier.recorded_at < movements.recorded_at"
               " OR (earlier.recorded_at = movements.recorded_at AND earlier.id <= movements.id)))")
    with op.batch_alter_table("movements") as batch_op:
        batch_op.create_unique_constraint("uq_movements_child_sequence", ["child_id", "sequence"])


def downgrade() -> None:
    with op.batch_alter_table("movements") as batch_op:
        batch_op.drop_constraint("uq_movements_child_sequence", type_="unique")
    for table in TABLES:
        # Not a batch: on SQLite that copies the table, and accounts and people are referenced.
        op.drop_column(table, "sequence")
