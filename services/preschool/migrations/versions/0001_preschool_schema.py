"""preschool schema: identity replicas, the card catalogue, rounds, observations, routes

Revision ID: 0001
Revises:
Create Date: 2026-11-23 10:04:29.965928
"""
import sqlalchemy as sa
from alembic import op

from kabinet_kit.db import UtcDateTime
from kabinet_kit.migrations import create_messaging_tables, drop_messaging_tables

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables(op)
    op.create_table('academic_years',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_academic_years'))
    )
    op.create_table('catalogue_versions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('basis', sa.String(length=300), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', UtcDateTime(), nullable=False),
    sa.Column('published_at', UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_versions')),
    sa.UniqueConstraint('number', name=op.f('uq_catalogue_versions_number'))
    )
    op.create_table('child_names',
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('middle_name', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('child_id', name=op.f('pk_child_names'))
    )
    op.create_table('child_numbers',
    sa.Column('group_id', sa.String(length=36), nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('group_id', 'child_id', name=op.f('pk_child_numbers')),
    sa.UniqueConstraint('group_id', 'number', name='uq_child_numbers_group_number')
    )
    op.create_table('children',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=True),
    sa.Column('group_id', sa.String(length=36), nullable=True),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('consent_at', UtcDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_children'))
    )
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_children_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_children_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('groups',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('academic_year_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('age_band', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groups'))
    )
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_groups_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('guardianships',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('guardian_person_id', sa.String(length=36), nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guardianships')),
    sa.UniqueConstraint('guardian_person_id', 'child_id', name='uq_guardianships_pair')
    )
    with op.batch_alter_table('guardianships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guardianships_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guardianships_guardian_person_id'), ['guardian_person_id'], unique=False)

    op.create_table('level_counts',
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('group_id', sa.String(length=36), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('children', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('round_id', 'group_id', 'indicator_id', 'level', name=op.f('pk_level_counts'))
    )
    op.create_table('organisations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('short_name', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )

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

    op.create_table('visits',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('visited_at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_org_at', ['organisation_id', 'visited_at'], unique=False)

    op.create_table('cards',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['catalogue_versions.id'], name=op.f('fk_cards_version_id_catalogue_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cards')),
    sa.UniqueConstraint('version_id', 'code', name='uq_cards_version_code')
    )
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cards_version_id'), ['version_id'], unique=False)

    op.create_table('rounds',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('academic_year_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('catalogue_version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('opened_at', UtcDateTime(), nullable=False),
    sa.Column('closed_at', UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['catalogue_version_id'], ['catalogue_versions.id'], name=op.f('fk_rounds_catalogue_version_id_catalogue_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds')),
    sa.UniqueConstraint('organisation_id', 'academic_year_id', 'number', name='uq_rounds_org_year_number')
    )
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rounds_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_rounds_year_number', ['academic_year_id', 'number'], unique=False)

    op.create_table('indicators',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('card_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('age_band', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('max_level', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_indicators_card_id_cards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicators')),
    sa.UniqueConstraint('card_id', 'age_band', 'code', name='uq_indicators_card_band_code')
    )
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicators_card_id'), ['card_id'], unique=False)

    op.create_table('recommendations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('card_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=36), nullable=False),
    sa.Column('published_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_recommendations_card_id_cards')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recommendations'))
    )
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendations_child_id'), ['child_id'], unique=False)

    op.create_table('routes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('author', sa.String(length=36), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.Column('published_at', UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_routes_round_id_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_routes')),
    sa.UniqueConstraint('child_id', 'round_id', name='uq_routes_child_round')
    )
    with op.batch_alter_table('routes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_routes_child_id'), ['child_id'], unique=False)

    op.create_table('indicator_levels',
    sa.Column('indicator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_indicator_levels_indicator_id_indicators')),
    sa.PrimaryKeyConstraint('indicator_id', 'level', name=op.f('pk_indicator_levels'))
    )
    op.create_table('observations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('round_id', sa.String(length=36), nullable=False),
    sa.Column('indicator_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_id', sa.String(length=36), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.Column('updated_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicators.id'], name=op.f('fk_observations_indicator_id_indicators')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_observations_round_id_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_observations')),
    sa.UniqueConstraint('child_id', 'round_id', 'indicator_id', name='uq_observations_child_round_ind')
    )
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.create_index('ix_observations_round_group', ['round_id', 'group_id'], unique=False)

    op.create_table('route_goals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('route_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('card_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('activities', sa.Text(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_route_goals_card_id_cards')),
    sa.ForeignKeyConstraint(['route_id'], ['routes.id'], name=op.f('fk_route_goals_route_id_routes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_route_goals'))
    )
    with op.batch_alter_table('route_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_route_goals_route_id'), ['route_id'], unique=False)

    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('route_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_route_goals_route_id'))

    op.drop_table('route_goals')
    with op.batch_alter_table('observations', schema=None) as batch_op:
        batch_op.drop_index('ix_observations_round_group')

    op.drop_table('observations')
    op.drop_table('indicator_levels')
    with op.batch_alter_table('routes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_routes_child_id'))

    op.drop_table('routes')
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendations_child_id'))

    op.drop_table('recommendations')
    with op.batch_alter_table('indicators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicators_card_id'))

    op.drop_table('indicators')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_index('ix_rounds_year_number')
        batch_op.drop_index(batch_op.f('ix_rounds_organisation_id'))

    op.drop_table('rounds')
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cards_version_id'))

    op.drop_table('cards')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_org_at')

    op.drop_table('visits')
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_assignments_account_id'))

    op.drop_table('role_assignments')
    op.drop_table('organisations')
    op.drop_table('level_counts')
    with op.batch_alter_table('guardianships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardianships_guardian_person_id'))
        batch_op.drop_index(batch_op.f('ix_guardianships_child_id'))

    op.drop_table('guardianships')
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_groups_organisation_id'))

    op.drop_table('groups')
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_children_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_children_group_id'))

    op.drop_table('children')
    op.drop_table('child_numbers')
    op.drop_table('child_names')
    op.drop_table('catalogue_versions')
    op.drop_table('academic_years')
    drop_messaging_tables(op)
    # ### end Alembic commands ###
