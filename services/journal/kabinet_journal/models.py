"""The journal's tables: replicas of what identity tells (kept by the consumer), the school
year structure, lessons, marks, attendance and term results. Ids are UUID strings so that
they travel unchanged in events."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kabinet_kit.db import NAMING_CONVENTION, BigId, Id, UtcDateTime, new_id
from kabinet_kit.replicas import replica_versions_table
from kabinet_kit.service import service_tables


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every model here is mapped to a table of its own (none to a join or a select).
    __table__: ClassVar[Table]


OUTBOX, PROCESSED, IDEMPOTENCY = service_tables(Base.metadata)
# The last sequence applied per replicated entity (consents, role assignments).
VERSIONS = replica_versions_table(Base.metadata)


# -- replicas of identity (written only by the consumer) ----------------------------------
class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[str | None] = mapped_column(Id)


class AcademicYear(Base):
    __tablename__ = "academic_years"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class Group(Base):
    __tablename__ = "groups"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    academic_year_id: Mapped[str] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    grade_level: Mapped[int | None] = mapped_column(Integer)
    age_band: Mapped[str | None] = mapped_column(String(20))


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    person_kind: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[str | None] = mapped_column(Id)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RoleAssignment(Base):
    __tablename__ = "role_assignments"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    account_id: Mapped[str] = mapped_column(Id, index=True)
    role: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[str | None] = mapped_column(Id)
    group_id: Mapped[str | None] = mapped_column(Id)


class Membership(Base):
    """A child's stay in a group, from the movement book: open while ``ends_on`` is None."""
    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_group_dates", "group_id", "starts_on"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    child_id: Mapped[str] = mapped_column(Id, index=True)
    organisation_id: Mapped[str] = mapped_column(Id)
    group_id: Mapped[str] = mapped_column(Id)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)


class Guardianship(Base):
    __tablename__ = "guardianships"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    guardian_person_id: Mapped[str] = mapped_column(Id, index=True)
    child_id: Mapped[str] = mapped_column(Id, index=True)


class Consent(Base):
    """Consents in force only: a revoked or expired one is deleted."""
    __tablename__ = "consents"
    child_id: Mapped[str] = mapped_column(Id, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(30), primary_key=True)
    consent_id: Mapped[str] = mapped_column(Id)


class PersonName(Base):
    """Names from identity.pd: staff, and children only while they are enrolled."""
    __tablename__ = "person_names"
    person_id: Mapped[str] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))


# -- the school year structure --------------------------------------------------------------
class Term(Base):
    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("organisation_id", "academic_year_id", "number",
                                       name="uq_terms_org_year_number"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    academic_year_id: Mapped[str] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(20))  # quarter | half | trimester
    number: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_by: Mapped[str | None] = mapped_column(Id)


class TermAudit(Base):
    """Closing and reopening a term: who, when, why (JRN-07)."""
    __tablename__ = "term_audit"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    term_id: Mapped[str] = mapped_column(ForeignKey("terms.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[str] = mapped_column(Id)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class Holiday(Base):
    __tablename__ = "holidays"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(200))


class Subject(Base):
    __tablename__ = "subjects"
    __table_args__ = (UniqueConstraint("organisation_id", "name", name="uq_subjects_org_name"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    name: Mapped[str] = mapped_column(String(200))


class CurriculumHours(Base):
    """Hours a year of a subject for a grade level (the institution's curriculum)."""
    __tablename__ = "curriculum_hours"
    __table_args__ = (UniqueConstraint("organisation_id", "academic_year_id", "grade_level", "subject_id",
                                       name="uq_curriculum_hours_entry"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    academic_year_id: Mapped[str] = mapped_column(Id)
    grade_level: Mapped[int | None] = mapped_column(Integer)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    hours: Mapped[int] = mapped_column(Integer)


class TeachingLoad(Base):
    """Teacher × group × subject for the group's academic year."""
    __tablename__ = "teaching_loads"
    __table_args__ = (UniqueConstraint("group_id", "subject_id", name="uq_teaching_loads_group_subject"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    academic_year_id: Mapped[str] = mapped_column(Id)
    group_id: Mapped[str] = mapped_column(Id, index=True)
    subject_id: Mapped[str] = mapped_column(ForeignKey("subjects.id"))
    teacher_account_id: Mapped[str] = mapped_column(Id, index=True)
    scale: Mapped[str] = mapped_column(String(10))  # five | pass_fail


class Substitution(Base):
    """A colleague fills the load's journal for a period (JRN-03)."""
    __tablename__ = "substitutions"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    load_id: Mapped[str] = mapped_column(ForeignKey("teaching_loads.id"), index=True)
    account_id: Mapped[str] = mapped_column(Id, index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(Id)


class TimetableSlot(Base):
    __tablename__ = "timetable_slots"
    __table_args__ = (UniqueConstraint("term_id", "group_id", "weekday", "period",
                                       name="uq_timetable_slots_group_slot"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    term_id: Mapped[str] = mapped_column(ForeignKey("terms.id"), index=True)
    load_id: Mapped[str] = mapped_column(ForeignKey("teaching_loads.id"), index=True)
    group_id: Mapped[str] = mapped_column(Id)
    teacher_account_id: Mapped[str] = mapped_column(Id)
    weekday: Mapped[int] = mapped_column(Integer)  # 1 = Monday
    period: Mapped[int] = mapped_column(Integer)


# -- the journal -------------------------------------------------------------------------
class Lesson(Base):
    __tablename__ = "lessons"
    __table_args__ = (Index("ix_lessons_load_term_date", "load_id", "term_id", "date"),
                      Index("ix_lessons_group_date", "group_id", "date"))
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    load_id: Mapped[str] = mapped_column(ForeignKey("teaching_loads.id"))
    term_id: Mapped[str] = mapped_column(ForeignKey("terms.id"))
    group_id: Mapped[str] = mapped_column(Id)
    date: Mapped[date] = mapped_column(Date)
    period: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default="lesson")
    topic: Mapped[str | None] = mapped_column(String(500))
    homework: Mapped[str | None] = mapped_column(Text)
    material: Mapped[str | None] = mapped_column(Text)
    topic_late: Mapped[bool] = mapped_column(Boolean, default=False)
    topic_entered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    topic_entered_by: Mapped[str | None] = mapped_column(Id)
    created_by: Mapped[str] = mapped_column(Id)
    updated_by: Mapped[str | None] = mapped_column(Id)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class MarkKind(Base):
    """Kinds of marks and their weights in the term average (institution-wide defaults when
    ``organisation_id`` is None)."""
    __tablename__ = "mark_kinds"
    __table_args__ = (UniqueConstraint("organisation_id", "code", name="uq_mark_kinds_org_code"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    organisation_id: Mapped[str | None] = mapped_column(Id)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    weight: Mapped[int] = mapped_column(Integer)


class Mark(Base):
    __tablename__ = "marks"
    __table_args__ = (Index("ix_marks_lesson_child", "lesson_id", "child_id"),
                      Index("ix_marks_child_term", "child_id", "term_id"),
                      Index("ix_marks_load_term", "load_id", "term_id"))
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    lesson_id: Mapped[str] = mapped_column(ForeignKey("lessons.id"))
    load_id: Mapped[str] = mapped_column(Id)
    term_id: Mapped[str] = mapped_column(Id)
    child_id: Mapped[str] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(30))
    weight: Mapped[int] = mapped_column(Integer)
    value: Mapped[str] = mapped_column(String(10))
    author_account_id: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MarkChange(Base):
    """The grade audit trail: every creation, change and deletion of a mark."""
    __tablename__ = "mark_changes"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    mark_id: Mapped[str] = mapped_column(Id, index=True)
    lesson_id: Mapped[str] = mapped_column(Id)
    child_id: Mapped[str] = mapped_column(Id)
    action: Mapped[str] = mapped_column(String(10))  # recorded | changed | deleted
    old_value: Mapped[str | None] = mapped_column(String(10))
    new_value: Mapped[str | None] = mapped_column(String(10))
    old_kind: Mapped[str | None] = mapped_column(String(30))
    new_kind: Mapped[str | None] = mapped_column(String(30))
    author_account_id: Mapped[str] = mapped_column(Id)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (Index("ix_attendance_child_term", "child_id", "term_id"),
                      Index("ix_attendance_load_term", "load_id", "term_id"),
                      # The diary lists a pupil's absences and lateness: a few rows among hundreds.
                      Index("ix_attendance_child_term_not_present", "child_id", "term_id",
                            postgresql_where=text("status <> 'present'"), sqlite_where=text("status <> 'present'")))
    lesson_id: Mapped[str] = mapped_column(ForeignKey("lessons.id"), primary_key=True)
    child_id: Mapped[str] = mapped_column(Id, primary_key=True)
    load_id: Mapped[str] = mapped_column(Id)
    term_id: Mapped[str] = mapped_column(Id)
    status: Mapped[str] = mapped_column(String(20))
    author_account_id: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TermMark(Base):
    """A pupil's mark for a term (period="term", term_id set) or the year (period="year") and
    the final attestation (period="final"); interim attestation is the term mark."""
    __tablename__ = "term_marks"
    __table_args__ = (UniqueConstraint("load_id", "child_id", "period", "term_id", name="uq_term_marks_entry"),
                      Index("ix_term_marks_child", "child_id"))
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    load_id: Mapped[str] = mapped_column(ForeignKey("teaching_loads.id"))
    child_id: Mapped[str] = mapped_column(Id)
    period: Mapped[str] = mapped_column(String(10))
    term_id: Mapped[str] = mapped_column(Id)  # the year's id for year and final marks, so the key is unique
    value: Mapped[str] = mapped_column(String(10))
    author_account_id: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


# == Plans, day attendance and parent fees, year closing (issue 4, part two) ================
from sqlalchemy import Numeric  # noqa: E402  (this section's own import)


class ThematicPlan(Base):
    """A teaching load's calendar-thematic plan (JRN-04): saved whole, its hours equal to
    the curriculum's."""
    __tablename__ = "thematic_plans"
    load_id: Mapped[str] = mapped_column(ForeignKey("teaching_loads.id"), primary_key=True)
    total_hours: Mapped[int] = mapped_column(Integer)
    saved_by: Mapped[str] = mapped_column(Id)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PlanTopic(Base):
    """One topic of a plan, in order; it takes ``hours`` consecutive lessons of the load."""
    __tablename__ = "plan_topics"
    __table_args__ = (UniqueConstraint("load_id", "position", name="uq_plan_topics_load_position"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    load_id: Mapped[str] = mapped_column(ForeignKey("thematic_plans.load_id"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    hours: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))


class DayAttendance(Base):
    """A child's day in a kindergarten group or an association (JRN-08): present, or
    absent with a reason."""
    __tablename__ = "day_attendance"
    __table_args__ = (Index("ix_day_attendance_child_date", "child_id", "date"),)
    group_id: Mapped[str] = mapped_column(Id, primary_key=True)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    child_id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(Id)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(300))
    author_account_id: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FeeRate(Base):
    """The parent fee for one day, from ``starts_on`` until the next rate; a group's own rate
    overrides the institution's (``group_id`` None)."""
    __tablename__ = "fee_rates"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    group_id: Mapped[str | None] = mapped_column(Id)
    starts_on: Mapped[date] = mapped_column(Date)
    daily_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    created_by: Mapped[str] = mapped_column(Id)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class FeeExemption(Base):
    """A full or partial exemption from the parent fee for a period, on a documented basis."""
    __tablename__ = "fee_exemptions"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    child_id: Mapped[str] = mapped_column(Id, index=True)
    kind: Mapped[str] = mapped_column(String(30))
    percent: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(Id)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class YearClosing(Base):
    """An institution's academic year, closed (and frozen) by its administrator, with what the
    closing did."""
    __tablename__ = "year_closings"
    __table_args__ = (UniqueConstraint("organisation_id", "academic_year_id", name="uq_year_closings_org_year"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(Id)
    academic_year_id: Mapped[str] = mapped_column(Id)
    closed_by: Mapped[str] = mapped_column(Id)
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    terms_closed: Mapped[int] = mapped_column(Integer)
    year_marks_computed: Mapped[int] = mapped_column(Integer)
    year_marks_kept: Mapped[int] = mapped_column(Integer)
    pupils_without_term_marks: Mapped[int] = mapped_column(Integer)
