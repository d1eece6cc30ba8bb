"""Reports tables: projections built from identity's and the journal's events, the department's
report schedule, the schools' own entries and the frozen reports.

No personal data: no names, contacts or birth dates. People appear only as the opaque ids their
events carry, kept so that a person is counted once; no answer of this service names them —
its figures are counts and shares by school, class and role.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Index, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kabinet_kit.db import NAMING_CONVENTION, Id, UtcDateTime
from kabinet_kit.replicas import replica_versions_table
from kabinet_kit.service import service_tables


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


OUTBOX, PROCESSED, IDEMPOTENCY = service_tables(Base.metadata)
VERSIONS = replica_versions_table(Base.metadata)


# -- projections of identity -----------------------------------------------------------------
class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    short_name: Mapped[str] = mapped_column(String(100))


class Group(Base):
    """School classes only."""
    __tablename__ = "groups"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    name: Mapped[str] = mapped_column(String(100))


class Pupil(Base):
    """A child's placement in a school class and what the annex counts about the family."""
    __tablename__ = "pupils"
    __table_args__ = (Index("ix_pupils_placement", "organisation_id", "group_id"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str | None] = mapped_column(Id)
    group_id: Mapped[str | None] = mapped_column(Id)
    # Item 8: the parents' application (the ``e_diary`` consent) is in force.
    e_diary: Mapped[bool] = mapped_column(Boolean, default=False)
    # Item 12.1: an access code for the parents has been issued.
    code_issued: Mapped[bool] = mapped_column(Boolean, default=False)


class Guardianship(Base):
    __tablename__ = "guardianships"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    guardian_person_id: Mapped[str] = mapped_column(Id, index=True)
    child_id: Mapped[str] = mapped_column(Id, index=True)


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    person_kind: Mapped[str] = mapped_column(String(20))
    activated: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RoleAssignment(Base):
    __tablename__ = "role_assignments"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    account_id: Mapped[str] = mapped_column(Id, index=True)
    role: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[str | None] = mapped_column(Id, index=True)
    group_id: Mapped[str | None] = mapped_column(Id)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


# -- projection of the journal ----------------------------------------------------------------
class Lesson(Base):
    """A conducted lesson: who filled it in and whether its topic is there (items 9 and 13)."""
    __tablename__ = "lessons"
    __table_args__ = (Index("ix_lessons_school_day", "organisation_id", "date"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(Id)
    group_id: Mapped[str] = mapped_column(Id)
    author_account_id: Mapped[str] = mapped_column(Id)
    date: Mapped[date] = mapped_column(Date)
    has_topic: Mapped[bool] = mapped_column(Boolean)


# -- the diary-introduction report (seed 002, annex 3) ---------------------------------------
class ReportDate(Base):
    """A date of the department's schedule; ``frozen_at`` once its report is frozen."""
    __tablename__ = "report_dates"
    on: Mapped[date] = mapped_column(Date, primary_key=True)
    # The year the introduction's steps (annex 1) count from: 20.09, 15.10, 15.11 of it, 01.01 after.
    campaign_year: Mapped[int] = mapped_column(Integer)
    frozen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SchoolEntries(Base):
    """What a school enters itself (items 1–7, 10, 11, 15, problems): the draft of its next report,
    which starts from what it entered for the previous one."""
    __tablename__ = "school_entries"
    organisation_id: Mapped[str] = mapped_column(Id, primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Snapshot(Base):
    """A school's report frozen on a report date: its figures and its entries as they were."""
    __tablename__ = "snapshots"
    on: Mapped[date] = mapped_column(Date, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(Id, primary_key=True)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    frozen_at: Mapped[datetime] = mapped_column(UtcDateTime())
