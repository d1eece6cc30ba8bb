"""corrections of educators' entries by the persons responsible for the cabinet (seed 000 §3.4),
audited; and the consents of children as identity announces them, for the head's register (§4.2.5)

Consents given before this revision are not in the register until identity announces them again.

Revision ID: 0006_preschoolrules_corrections
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

from kabinet_kit.db import UtcDateTime

revision = "0006_preschoolrules_corrections"
down_revision = "0005"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "observation_corrections",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("observation_id", BIG_ID, nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("round_id", sa.String(length=36), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("corrected_by", sa.String(length=36), nullable=False),
        sa.Column("corrected_at", UtcDateTime(), nullable=False),
        sa.Column("entered_by", sa.String(length=36), nullable=False),
        sa.Column("old_level", sa.Integer(), nullable=False),
        sa.Column("new_level", sa.Integer(), nullable=False),
        sa.Column("old_note", sa.Text(), nullable=True),
        sa.Column("new_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["observation_id"], ["observations.id"],
                                name=op.f("fk_observation_corrections_observation_id_observations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation_corrections")),
    )
    op.create_index(op.f("ix_observation_corrections_observation_id"), "observation_corrections",
                    ["observation_id"])
    op.create_index("ix_observation_corrections_org_at", "observation_corrections",
                    ["organisation_id", "corrected_at"])
    op.create_table(
        "consents",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("child_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("guardian_person_id", sa.String(length=36), nullable=True),
        sa.Column("registration_number", sa.String(length=100), nullable=True),
        sa.Column("registration_date", sa.Date(), nullable=True),
        sa.Column("given_at", UtcDateTime(), nullable=True),
        sa.Column("ended_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index("ix_consents_child_purpose", "consents", ["child_id", "purpose"])


def downgrade() -> None:
    op.drop_index("ix_consents_child_purpose", table_name="consents")
    op.drop_table("consents")
    op.drop_index("ix_observation_corrections_org_at", table_name="observation_corrections")
    op.drop_index(op.f("ix_observation_corrections_observation_id"), table_name="observation_corrections")
    op.drop_table("observation_corrections")
