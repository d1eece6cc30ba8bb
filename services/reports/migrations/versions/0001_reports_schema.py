"""reports schema: identity and journal projections, report schedule, school entries, snapshots

Revision ID: 0001
Revises: 
Create Date: 2026-12-02 17:01:34.091337
"""
import sqlalchemy as sa
from alembic import op

from kabinet_kit.db import UtcDateTime
from kabinet_kit.migrations import (
    add_outbox_personal_flag,
    create_messaging_tables,
    create_replica_versions_table,
    drop_messaging_tables,
    drop_replica_versions_table,
)


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables(op)
    add_outbox_personal_flag(op)
    create_replica_versions_table(op)
    op.create_table('accounts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('person_kind', sa.String(length=20), nullable=False),
    sa.Column('activated', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounts_person_id'), ['person_id'], unique=False)

    op.create_table('groups',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groups'))
    )
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_groups_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('guardianships',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('guardian_person_id', sa.String(length=36), nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guardianships'))
    )
    with op.batch_alter_table('guardianships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guardianships_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guardianships_guardian_person_id'), ['guardian_person_id'], unique=False)

    op.create_table('lessons',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('group_id', sa.String(length=36), nullable=False),
    sa.Column('author_account_id', sa.String(length=36), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('has_topic', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lessons'))
    )
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.create_index('ix_lessons_school_day', ['organisation_id', 'date'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('short_name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    op.create_table('pupils',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=True),
    sa.Column('group_id', sa.String(length=36), nullable=True),
    sa.Column('e_diary', sa.Boolean(), nullable=False),
    sa.Column('code_issued', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pupils'))
    )
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.create_index('ix_pupils_placement', ['organisation_id', 'group_id'], unique=False)

    op.create_table('report_dates',
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('campaign_year', sa.Integer(), nullable=False),
    sa.Column('frozen_at', UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('on', name=op.f('pk_report_dates'))
    )
    op.create_table('role_assignments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=True),
    sa.Column('group_id', sa.String(length=36), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_assignments'))
    )
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_assignments_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignments_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('school_entries',
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_school_entries'))
    )
    op.create_table('snapshots',
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('frozen_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('on', 'organisation_id', name=op.f('pk_snapshots'))
    )


def downgrade() -> None:
    op.drop_table('snapshots')
    op.drop_table('school_entries')
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_assignments_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignments_account_id'))

    op.drop_table('role_assignments')
    op.drop_table('report_dates')
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.drop_index('ix_pupils_placement')

    op.drop_table('pupils')
    op.drop_table('organisations')
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_index('ix_lessons_school_day')

    op.drop_table('lessons')
    with op.batch_alter_table('guardianships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardianships_guardian_person_id'))
        batch_op.drop_index(batch_op.f('ix_guardianships_child_id'))

    op.drop_table('guardianships')
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_groups_organisation_id'))

    op.drop_table('groups')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_person_id'))

    op.drop_table('accounts')
    drop_replica_versions_table(op)
    drop_messaging_tables(op)
