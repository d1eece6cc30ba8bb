"""calendar-thematic plans, day attendance and parent fees, year closing

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:28:40.840169
"""
from alembic import op
import sqlalchemy as sa

from kabinet_kit.db import UtcDateTime


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('day_attendance',
    sa.Column('group_id', sa.String(length=36), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('author_account_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('group_id', 'date', 'child_id', name=op.f('pk_day_attendance'))
    )
    with op.batch_alter_table('day_attendance', schema=None) as batch_op:
        batch_op.create_index('ix_day_attendance_child_date', ['child_id', 'date'], unique=False)

    op.create_table('fee_exemptions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('basis', sa.String(length=300), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_exemptions'))
    )
    with op.batch_alter_table('fee_exemptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_exemptions_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fee_exemptions_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('fee_rates',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('group_id', sa.String(length=36), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('daily_rate', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_rates'))
    )
    with op.batch_alter_table('fee_rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_rates_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('year_closings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('academic_year_id', sa.String(length=36), nullable=False),
    sa.Column('closed_by', sa.String(length=36), nullable=False),
    sa.Column('closed_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('terms_closed', sa.Integer(), nullable=False),
    sa.Column('year_marks_computed', sa.Integer(), nullable=False),
    sa.Column('year_marks_kept', sa.Integer(), nullable=False),
    sa.Column('pupils_without_term_marks', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_year_closings')),
    sa.UniqueConstraint('organisation_id', 'academic_year_id', name='uq_year_closings_org_year')
    )
    op.create_table('thematic_plans',
    sa.Column('load_id', sa.String(length=36), nullable=False),
    sa.Column('total_hours', sa.Integer(), nullable=False),
    sa.Column('saved_by', sa.String(length=36), nullable=False),
    sa.Column('saved_at', UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['load_id'], ['teaching_loads.id'], name=op.f('fk_thematic_plans_load_id_teaching_loads')),
    sa.PrimaryKeyConstraint('load_id', name=op.f('pk_thematic_plans'))
    )
    op.create_table('plan_topics',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('load_id', sa.String(length=36), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['load_id'], ['thematic_plans.load_id'], name=op.f('fk_plan_topics_load_id_thematic_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_topics')),
    sa.UniqueConstraint('load_id', 'position', name='uq_plan_topics_load_position')
    )


def downgrade() -> None:
    op.drop_table('plan_topics')
    op.drop_table('thematic_plans')
    op.drop_table('year_closings')
    with op.batch_alter_table('fee_rates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_rates_organisation_id'))

    op.drop_table('fee_rates')
    with op.batch_alter_table('fee_exemptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_exemptions_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_fee_exemptions_child_id'))

    op.drop_table('fee_exemptions')
    with op.batch_alter_table('day_attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_day_attendance_child_date')

    op.drop_table('day_attendance')
