"""administrators' lists and grants with an end date (issue 12): last login, password reset flag,
role grants' end date, access codes' institution and revocation, people's folded names

Revision ID: 0008_admin_lists
Revises: 0007_idperson_register_indexes
"""
import sqlalchemy as sa
from alembic import op

from kabinet_kit.db import UtcDateTime

revision = '0008_admin_lists'
down_revision = '0007_idperson_register_indexes'
branch_labels = None
depends_on = None


def _fold(text: str) -> str:
    # As kabinet_identity.models.fold (a migration does not import the code that changes after it).
    return text.casefold().replace("ё", "е")


def upgrade() -> None:
    # Plain add_column, never a batch: on SQLite a batch copies the table, which it could not drop
    # while other tables' rows refer to it. Every column is nullable or has a constant default.
    op.add_column("accounts", sa.Column("last_login_at", UtcDateTime(), nullable=True))
    op.add_column("accounts", sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(),
                                        nullable=False))
    op.add_column("role_assignments", sa.Column("valid_until", UtcDateTime(), nullable=True))
    op.add_column("access_codes", sa.Column("organisation_id", sa.String(36), nullable=True))
    op.add_column("access_codes", sa.Column("revoked_at", UtcDateTime(), nullable=True))
    op.add_column("people", sa.Column("name_key", sa.String(320), nullable=True))
    op.create_index("ix_access_codes_organisation_id", "access_codes", ["organisation_id"])
    op.create_index("ix_people_name_key", "people", ["name_key"])
    # What is known already: a first login is a login; a code belongs to its child's institution.
    op.execute("UPDATE accounts SET last_login_at = activated_at")
    op.execute("UPDATE access_codes SET organisation_id = (SELECT placements.organisation_id FROM placements"
               " WHERE placements.child_id = access_codes.child_id)")
    conn = op.get_bind()
    people = sa.table("people", sa.column("id", sa.String), sa.column("last_name", sa.String),
                      sa.column("first_name", sa.String), sa.column("middle_name", sa.String),
                      sa.column("name_key", sa.String))
    for row in conn.execute(sa.select(people.c.id, people.c.last_name, people.c.first_name,
                                      people.c.middle_name)).all():
        key = "".join(" " + _fold(n) for n in (row.last_name, row.first_name, row.middle_name) if n)
        conn.execute(people.update().where(people.c.id == row.id).values(name_key=key))


def downgrade() -> None:
    op.drop_index("ix_people_name_key", table_name="people")
    op.drop_index("ix_access_codes_organisation_id", table_name="access_codes")
    op.drop_column("people", "name_key")
    op.drop_column("access_codes", "revoked_at")
    op.drop_column("access_codes", "organisation_id")
    op.drop_column("role_assignments", "valid_until")
    op.drop_column("accounts", "must_change_password")
    op.drop_column("accounts", "last_login_at")
