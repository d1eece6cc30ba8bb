"""portfolio schema: identity replicas, catalogue, coefficient table v1, achievements, petitions, disputes

Revision ID: 0001
Revises: 
Create Date: 2026-12-02 13:20:58.436630
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from kabinet_kit.db import UtcDateTime
from kabinet_kit.migrations import (
    create_messaging_tables,
    create_replica_versions_table,
    drop_messaging_tables,
    drop_replica_versions_table,
)

# Version 1 of the coefficient table: this project's defaults (README, "Portfolio points").
TABLE_V1 = {
    "time": [1.0, 0.8, 0.6, 0.4],
    "participation": {"in_person": 1.0, "correspondence": 0.8, "remote": 0.7},
    "result": {"participant": 1.0, "prize_winner": 2.0, "winner": 3.0},
    "individuality": {"individual": 1.0, "team": 0.6},
    "level": {"international": 3.0, "all_russian": 2.5, "interregional": 2.0, "regional": 1.6,
              "municipal": 1.3, "inter_school": 1.0},
}


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables(op)
    create_replica_versions_table(op)
    op.create_table('activities',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('organiser', sa.String(length=300), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('subsection', sa.String(length=100), nullable=True),
    sa.Column('base_points', sa.Float(), nullable=False),
    sa.Column('register_url', sa.String(length=500), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_category'), ['category'], unique=False)

    op.create_table('catalogue_versions',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('published_by', sa.String(length=36), nullable=True),
    sa.Column('published_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_catalogue_versions'))
    )
    op.create_table('coefficient_tables',
    sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('coefficients', sa.JSON(), nullable=False),
    sa.Column('published_by', sa.String(length=36), nullable=True),
    sa.Column('published_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_coefficient_tables'))
    )
    op.create_table('electives',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_electives'))
    )
    with op.batch_alter_table('electives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_electives_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('goals',
    sa.Column('pupil_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('achieved', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('pupil_id', 'position', name=op.f('pk_goals'))
    )
    op.create_table('groups',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('grade_level', sa.Integer(), nullable=True),
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

    op.create_table('highlights',
    sa.Column('pupil_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=1000), nullable=False),
    sa.PrimaryKeyConstraint('pupil_id', 'position', name=op.f('pk_highlights'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('short_name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    op.create_table('petitions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('requested_by_pupil', sa.String(length=36), nullable=True),
    sa.Column('proposal', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('activity_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petitions'))
    )
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petitions_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_petitions_requested_by_pupil'), ['requested_by_pupil'], unique=False)

    op.create_table('profi_entries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('pupil_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=True),
    sa.Column('elective_id', sa.String(length=36), nullable=True),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('details', sa.Text(), nullable=True),
    sa.Column('confirmed', sa.Boolean(), nullable=False),
    sa.Column('confirmed_by', sa.String(length=36), nullable=True),
    sa.Column('confirmed_at', UtcDateTime(), nullable=True),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profi_entries'))
    )
    with op.batch_alter_table('profi_entries', schema=None) as batch_op:
        batch_op.create_index('ix_profi_entries_pupil', ['pupil_id', 'kind'], unique=False)

    op.create_table('pupil_names',
    sa.Column('pupil_id', sa.String(length=36), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('middle_name', sa.String(length=100), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.PrimaryKeyConstraint('pupil_id', name=op.f('pk_pupil_names'))
    )
    op.create_table('pupils',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=True),
    sa.Column('group_id', sa.String(length=36), nullable=True),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('consent_ended_at', UtcDateTime(), nullable=True),
    sa.Column('opted_out', sa.Boolean(), nullable=False),
    sa.Column('rated', sa.Boolean(), nullable=False),
    sa.Column('points_cents', sa.Integer(), nullable=False),
    sa.Column('points_version', sa.Integer(), nullable=False),
    sa.Column('points_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pupils'))
    )
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.create_index('ix_pupils_city_rating', ['rated', 'points_cents'], unique=False)
        batch_op.create_index('ix_pupils_class_rating', ['group_id', 'rated', 'points_cents'], unique=False)
        batch_op.create_index('ix_pupils_school_rating', ['organisation_id', 'rated', 'points_cents'], unique=False)

    op.create_table('role_assignments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=True),
    sa.Column('group_id', sa.String(length=36), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_assignments'))
    )
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_assignments_account_id'), ['account_id'], unique=False)

    op.create_table('settings',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('achievements',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('pupil_id', sa.String(length=36), nullable=False),
    sa.Column('activity_id', sa.String(length=36), nullable=False),
    sa.Column('participation', sa.String(length=20), nullable=False),
    sa.Column('individuality', sa.String(length=20), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('achieved_on', sa.Date(), nullable=False),
    sa.Column('date_given', sa.String(length=10), nullable=False),
    sa.Column('register_url', sa.String(length=500), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('document_type', sa.String(length=30), nullable=True),
    sa.Column('document_size', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.Column('decided_by', sa.String(length=36), nullable=True),
    sa.Column('decided_at', UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_achievements_activity_id_activities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievements'))
    )
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.create_index('ix_achievements_document', ['document_sha256'], unique=False)
        batch_op.create_index('ix_achievements_pupil_state', ['pupil_id', 'state'], unique=False)
        batch_op.create_index('uq_achievements_pupil_activity_date', ['pupil_id', 'activity_id', 'achieved_on'], unique=True, postgresql_where=sa.text("state <> 'deleted'"), sqlite_where=sa.text("state <> 'deleted'"))

    op.create_table('activity_revisions',
    sa.Column('activity_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_revisions_activity_id_activities')),
    sa.ForeignKeyConstraint(['version'], ['catalogue_versions.number'], name=op.f('fk_activity_revisions_version_catalogue_versions')),
    sa.PrimaryKeyConstraint('activity_id', 'version', name=op.f('pk_activity_revisions'))
    )
    op.create_table('achievement_history',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('achievement_id', sa.String(length=36), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('by_account', sa.String(length=36), nullable=False),
    sa.Column('at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_achievement_history_achievement_id_achievements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievement_history'))
    )
    with op.batch_alter_table('achievement_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_achievement_history_achievement_id'), ['achievement_id'], unique=False)

    op.create_table('disputes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('achievement_id', sa.String(length=36), nullable=False),
    sa.Column('pupil_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=True),
    sa.Column('opened_by', sa.String(length=36), nullable=False),
    sa.Column('subject', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('overdue_reported', sa.Boolean(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('cited_activity_id', sa.String(length=36), nullable=True),
    sa.Column('answered_by', sa.String(length=36), nullable=True),
    sa.Column('answered_at', UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_disputes_achievement_id_achievements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes'))
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disputes_achievement_id'), ['achievement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disputes_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disputes_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index('ix_disputes_state_due', ['state', 'due_on'], unique=False)

    tables = sa.table("coefficient_tables", sa.column("version", sa.Integer), sa.column("coefficients", sa.JSON),
                      sa.column("published_by", sa.String), sa.column("published_at", UtcDateTime()))
    op.bulk_insert(tables, [{"version": 1, "coefficients": TABLE_V1, "published_by": None,
                             "published_at": datetime(2026, 9, 1, tzinfo=UTC)}])


def downgrade() -> None:
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index('ix_disputes_state_due')
        batch_op.drop_index(batch_op.f('ix_disputes_pupil_id'))
        batch_op.drop_index(batch_op.f('ix_disputes_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_disputes_achievement_id'))

    op.drop_table('disputes')
    with op.batch_alter_table('achievement_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievement_history_achievement_id'))

    op.drop_table('achievement_history')
    op.drop_table('activity_revisions')
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.drop_index('uq_achievements_pupil_activity_date', postgresql_where=sa.text("state <> 'deleted'"), sqlite_where=sa.text("state <> 'deleted'"))
        batch_op.drop_index('ix_achievements_pupil_state')
        batch_op.drop_index('ix_achievements_document')

    op.drop_table('achievements')
    op.drop_table('settings')
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_assignments_account_id'))

    op.drop_table('role_assignments')
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.drop_index('ix_pupils_school_rating')
        batch_op.drop_index('ix_pupils_class_rating')
        batch_op.drop_index('ix_pupils_city_rating')

    op.drop_table('pupils')
    op.drop_table('pupil_names')
    with op.batch_alter_table('profi_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_profi_entries_pupil')

    op.drop_table('profi_entries')
    with op.batch_alter_table('petitions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petitions_requested_by_pupil'))
        batch_op.drop_index(batch_op.f('ix_petitions_organisation_id'))

    op.drop_table('petitions')

    op.drop_table('organisations')
    op.drop_table('highlights')
    with op.batch_alter_table('guardianships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardianships_guardian_person_id'))
        batch_op.drop_index(batch_op.f('ix_guardianships_child_id'))

    op.drop_table('guardianships')
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_groups_organisation_id'))

    op.drop_table('groups')
    op.drop_table('goals')
    with op.batch_alter_table('electives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_electives_organisation_id'))

    op.drop_table('electives')
    op.drop_table('coefficient_tables')
    op.drop_table('catalogue_versions')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activities_category'))

    op.drop_table('activities')
    drop_replica_versions_table(op)
    drop_messaging_tables(op)
