"""indexes for the movement register: an institution's entries by effective date, as the
receiving (organisation_id) and as the sending institution (from_organisation_id)

Revision ID: 0007_idperson_register_indexes
Revises: 0006
"""
from alembic import op

revision = '0007_idperson_register_indexes'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_movements_organisation_effective", "movements", ["organisation_id", "effective_on"])
    op.create_index("ix_movements_from_organisation_effective", "movements", ["from_organisation_id", "effective_on"])


def downgrade() -> None:
    op.drop_index("ix_movements_from_organisation_effective", table_name="movements")
    op.drop_index("ix_movements_organisation_effective", table_name="movements")
