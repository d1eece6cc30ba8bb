"""journal schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 10:11:48.733102
"""
from alembic import op
import sqlalchemy as sa

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
    op.create_table('accounts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('person_kind', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accounts_person_id'), ['person_id'], unique=False)

    op.create_table('consents',
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('consent_id', sa.String(length=36), nullable=False),
    sa.PrimaryKeyConstraint('child_id', 'purpose', name=op.f('pk_consents'))
    )
    op.create_table('groups',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('academic_year_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('grade_level', sa.Integer(), nullable=True),
    sa.Column('age_band', sa.String(length=20), nullable=True),
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

    op.create_table('holidays',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holidays'))
    )
    with op.batch_alter_table('holidays', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_holidays_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('mark_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('mark_id', sa.String(length=36), nullable=False),
    sa.Column('lesson_id', sa.String(length=36), nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('old_value', sa.String(length=10), nullable=True),
    sa.Column('new_value', sa.String(length=10), nullable=True),
    sa.Column('old_kind', sa.String(length=30), nullable=True),
    sa.Column('new_kind', sa.String(length=30), nullable=True),
    sa.Column('author_account_id', sa.String(length=36), nullable=False),
    sa.Column('at', UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mark_changes'))
    )
    with op.batch_alter_table('mark_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mark_changes_mark_id'), ['mark_id'], unique=False)

    op.create_table('mark_kinds',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=True),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mark_kinds')),
    sa.UniqueConstraint('organisation_id', 'code', name='uq_mark_kinds_org_code')
    )
    op.create_table('memberships',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('group_id', sa.String(length=36), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_child_id'), ['child_id'], unique=False)
        batch_op.create_index('ix_memberships_group_dates', ['group_id', 'starts_on'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('short_name', sa.String(length=100), nullable=False),
    sa.Column('parent_id', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    op.create_table('person_names',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('middle_name', sa.String(length=100), nullable=True),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_person_names'))
    )
    op.create_table('role_assignments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=True),
    sa.Column('group_id', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_assignments'))
    )
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_assignments_account_id'), ['account_id'], unique=False)

    op.create_table('subjects',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subjects')),
    sa.UniqueConstraint('organisation_id', 'name', name='uq_subjects_org_name')
    )
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subjects_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('terms',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('academic_year_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('closed_at', UtcDateTime(), nullable=True),
    sa.Column('closed_by', sa.String(length=36), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms')),
    sa.UniqueConstraint('organisation_id', 'academic_year_id', 'number', name='uq_terms_org_year_number')
    )
    with op.batch_alter_table('terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_terms_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('curriculum_hours',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('academic_year_id', sa.String(length=36), nullable=False),
    sa.Column('grade_level', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_curriculum_hours_subject_id_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_curriculum_hours')),
    sa.UniqueConstraint('organisation_id', 'academic_year_id', 'grade_level', 'subject_id', name='uq_curriculum_hours_entry')
    )
    with op.batch_alter_table('curriculum_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_curriculum_hours_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('teaching_loads',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('organisation_id', sa.String(length=36), nullable=False),
    sa.Column('academic_year_id', sa.String(length=36), nullable=False),
    sa.Column('group_id', sa.String(length=36), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('teacher_account_id', sa.String(length=36), nullable=False),
    sa.Column('scale', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_teaching_loads_subject_id_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teaching_loads')),
    sa.UniqueConstraint('group_id', 'subject_id', name='uq_teaching_loads_group_subject')
    )
    with op.batch_alter_table('teaching_loads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teaching_loads_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_teaching_loads_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_teaching_loads_teacher_account_id'), ['teacher_account_id'], unique=False)

    op.create_table('term_audit',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('term_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['term_id'], ['terms.id'], name=op.f('fk_term_audit_term_id_terms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_term_audit'))
    )
    with op.batch_alter_table('term_audit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_term_audit_term_id'), ['term_id'], unique=False)

    op.create_table('lessons',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('load_id', sa.String(length=36), nullable=False),
    sa.Column('term_id', sa.String(length=36), nullable=False),
    sa.Column('group_id', sa.String(length=36), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('period', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.String(length=500), nullable=True),
    sa.Column('homework', sa.Text(), nullable=True),
    sa.Column('material', sa.Text(), nullable=True),
    sa.Column('topic_late', sa.Boolean(), nullable=False),
    sa.Column('topic_entered_at', UtcDateTime(), nullable=True),
    sa.Column('topic_entered_by', sa.String(length=36), nullable=True),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.Column('updated_by', sa.String(length=36), nullable=True),
    sa.Column('updated_at', UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['load_id'], ['teaching_loads.id'], name=op.f('fk_lessons_load_id_teaching_loads')),
    sa.ForeignKeyConstraint(['term_id'], ['terms.id'], name=op.f('fk_lessons_term_id_terms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lessons'))
    )
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.create_index('ix_lessons_group_date', ['group_id', 'date'], unique=False)
        batch_op.create_index('ix_lessons_load_term_date', ['load_id', 'term_id', 'date'], unique=False)

    op.create_table('substitutions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('load_id', sa.String(length=36), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['load_id'], ['teaching_loads.id'], name=op.f('fk_substitutions_load_id_teaching_loads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_substitutions'))
    )
    with op.batch_alter_table('substitutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_substitutions_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_substitutions_load_id'), ['load_id'], unique=False)

    op.create_table('term_marks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('load_id', sa.String(length=36), nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('term_id', sa.String(length=36), nullable=False),
    sa.Column('value', sa.String(length=10), nullable=False),
    sa.Column('author_account_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['load_id'], ['teaching_loads.id'], name=op.f('fk_term_marks_load_id_teaching_loads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_term_marks')),
    sa.UniqueConstraint('load_id', 'child_id', 'period', 'term_id', name='uq_term_marks_entry')
    )
    with op.batch_alter_table('term_marks', schema=None) as batch_op:
        batch_op.create_index('ix_term_marks_child', ['child_id'], unique=False)

    op.create_table('timetable_slots',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('term_id', sa.String(length=36), nullable=False),
    sa.Column('load_id', sa.String(length=36), nullable=False),
    sa.Column('group_id', sa.String(length=36), nullable=False),
    sa.Column('teacher_account_id', sa.String(length=36), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('period', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['load_id'], ['teaching_loads.id'], name=op.f('fk_timetable_slots_load_id_teaching_loads')),
    sa.ForeignKeyConstraint(['term_id'], ['terms.id'], name=op.f('fk_timetable_slots_term_id_terms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timetable_slots')),
    sa.UniqueConstraint('term_id', 'group_id', 'weekday', 'period', name='uq_timetable_slots_group_slot')
    )
    with op.batch_alter_table('timetable_slots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timetable_slots_load_id'), ['load_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_timetable_slots_term_id'), ['term_id'], unique=False)

    op.create_table('attendance',
    sa.Column('lesson_id', sa.String(length=36), nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('load_id', sa.String(length=36), nullable=False),
    sa.Column('term_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('author_account_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_attendance_lesson_id_lessons')),
    sa.PrimaryKeyConstraint('lesson_id', 'child_id', name=op.f('pk_attendance'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_child_term', ['child_id', 'term_id'], unique=False)
        batch_op.create_index('ix_attendance_load_term', ['load_id', 'term_id'], unique=False)
        batch_op.create_index('ix_attendance_child_term_not_present', ['child_id', 'term_id'], unique=False,
                              postgresql_where=sa.text("status <> 'present'"),
                              sqlite_where=sa.text("status <> 'present'"))

    op.create_table('marks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('lesson_id', sa.String(length=36), nullable=False),
    sa.Column('load_id', sa.String(length=36), nullable=False),
    sa.Column('term_id', sa.String(length=36), nullable=False),
    sa.Column('child_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('value', sa.String(length=10), nullable=False),
    sa.Column('author_account_id', sa.String(length=36), nullable=False),
    sa.Column('recorded_at', UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lessons.id'], name=op.f('fk_marks_lesson_id_lessons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_marks'))
    )
    with op.batch_alter_table('marks', schema=None) as batch_op:
        batch_op.create_index('ix_marks_child_term', ['child_id', 'term_id'], unique=False)
        batch_op.create_index('ix_marks_lesson_child', ['lesson_id', 'child_id'], unique=False)
        batch_op.create_index('ix_marks_load_term', ['load_id', 'term_id'], unique=False)

    # The default kinds of marks and their weights in the term average; institutions add their own.
    kinds = sa.table('mark_kinds', sa.column('id', sa.String), sa.column('organisation_id', sa.String),
                     sa.column('code', sa.String), sa.column('name', sa.String), sa.column('weight', sa.Integer))
    op.bulk_insert(kinds, [
        {'id': '00000000-0000-4000-8000-000000000001', 'organisation_id': None, 'code': 'oral', 'name': 'Устный ответ', 'weight': 1},
        {'id': '00000000-0000-4000-8000-000000000002', 'organisation_id': None, 'code': 'homework', 'name': 'Домашняя работа', 'weight': 1},
        {'id': '00000000-0000-4000-8000-000000000003', 'organisation_id': None, 'code': 'practical', 'name': 'Практическая работа', 'weight': 2},
        {'id': '00000000-0000-4000-8000-000000000004', 'organisation_id': None, 'code': 'test', 'name': 'Самостоятельная работа', 'weight': 2},
        {'id': '00000000-0000-4000-8000-000000000005', 'organisation_id': None, 'code': 'control', 'name': 'Контрольная работа', 'weight': 3},
    ])


def downgrade() -> None:
    with op.batch_alter_table('marks', schema=None) as batch_op:
        batch_op.drop_index('ix_marks_load_term')
        batch_op.drop_index('ix_marks_lesson_child')
        batch_op.drop_index('ix_marks_child_term')

    op.drop_table('marks')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_child_term_not_present')
        batch_op.drop_index('ix_attendance_load_term')
        batch_op.drop_index('ix_attendance_child_term')

    op.drop_table('attendance')
    with op.batch_alter_table('timetable_slots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timetable_slots_term_id'))
        batch_op.drop_index(batch_op.f('ix_timetable_slots_load_id'))

    op.drop_table('timetable_slots')
    with op.batch_alter_table('term_marks', schema=None) as batch_op:
        batch_op.drop_index('ix_term_marks_child')

    op.drop_table('term_marks')
    with op.batch_alter_table('substitutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_substitutions_load_id'))
        batch_op.drop_index(batch_op.f('ix_substitutions_account_id'))

    op.drop_table('substitutions')
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_index('ix_lessons_load_term_date')
        batch_op.drop_index('ix_lessons_group_date')

    op.drop_table('lessons')
    with op.batch_alter_table('term_audit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_term_audit_term_id'))

    op.drop_table('term_audit')
    with op.batch_alter_table('teaching_loads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teaching_loads_teacher_account_id'))
        batch_op.drop_index(batch_op.f('ix_teaching_loads_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_teaching_loads_group_id'))

    op.drop_table('teaching_loads')
    with op.batch_alter_table('curriculum_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_curriculum_hours_organisation_id'))

    op.drop_table('curriculum_hours')
    with op.batch_alter_table('terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_terms_organisation_id'))

    op.drop_table('terms')
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subjects_organisation_id'))

    op.drop_table('subjects')
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_assignments_account_id'))

    op.drop_table('role_assignments')
    op.drop_table('person_names')
    op.drop_table('organisations')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_memberships_group_dates')
        batch_op.drop_index(batch_op.f('ix_memberships_child_id'))

    op.drop_table('memberships')
    op.drop_table('mark_kinds')
    with op.batch_alter_table('mark_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mark_changes_mark_id'))

    op.drop_table('mark_changes')
    with op.batch_alter_table('holidays', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_holidays_organisation_id'))

    op.drop_table('holidays')
    with op.batch_alter_table('guardianships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guardianships_guardian_person_id'))
        batch_op.drop_index(batch_op.f('ix_guardianships_child_id'))

    op.drop_table('guardianships')
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_groups_organisation_id'))

    op.drop_table('groups')
    op.drop_table('consents')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accounts_person_id'))

    op.drop_table('accounts')
    op.drop_table('academic_years')
    drop_messaging_tables(op)
