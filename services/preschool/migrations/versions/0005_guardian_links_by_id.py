"""guardian links kept one row per link, not per guardian × child (issue 11, finding 6): a link
removed and made again is a new link, and the late removal of the old one must not take the new
one with it

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("guardianships") as batch_op:
        batch_op.drop_constraint("uq_guardianships_pair", type_="unique")


def downgrade() -> None:
    # Keep one row per pair before the constraint comes back.
    guardianships = sa.table("guardianships", sa.column("id", sa.String), sa.column("guardian_person_id", sa.String),
                             sa.column("child_id", sa.String))
    kept = sa.select(sa.func.min(guardianships.c.id)).group_by(guardianships.c.guardian_person_id,
                                                                guardianships.c.child_id)
    op.execute(guardianships.delete().where(guardianships.c.id.not_in(kept)))
    with op.batch_alter_table("guardianships") as batch_op:
        batch_op.create_unique_constraint("uq_guardianships_pair", ["guardian_person_id", "child_id"])
