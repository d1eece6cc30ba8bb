"""ratings read a page in rating order (points down, then id) straight from an index, at any
offset, without visiting the table (issue 13, performance)

Revision ID: 0003_portfolioperf_ratings
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_portfolioperf_ratings"
down_revision = "0002"
branch_labels = None
depends_on = None

# name → the scope's columns before the order; the page's other columns are included (PostgreSQL).
RATINGS = {"ix_pupils_city_rating": ["rated"], "ix_pupils_school_rating": ["organisation_id", "rated"],
           "ix_pupils_class_rating": ["group_id", "rated"]}
SHOWN = ["organisation_id", "group_id"]


def upgrade() -> None:
    with op.batch_alter_table("pupils") as batch:
        for name, scope in RATINGS.items():
            batch.drop_index(name)
            batch.create_index(name, [*[sa.text(c) for c in scope], sa.text("points_cents DESC"), sa.text("id")],
                               postgresql_include=[c for c in SHOWN if c not in scope])


def downgrade() -> None:
    with op.batch_alter_table("pupils") as batch:
        for name, scope in RATINGS.items():
            batch.drop_index(name)
            batch.create_index(name, [*scope, "points_cents"])
