"""Portfolio tables: replicas of identity facts (built from events), the versioned activity
catalogue and coefficient table, achievements, the pupil's own sections, petitions, disputes.

Names, birth dates and e-mails are held only in ``pupil_names`` and only while the pupil's
``portfolio`` consent is in force (POR-03); documents are files outside the database, named
by their SHA-256 (POR-11).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, MetaData, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kabinet_kit.db import NAMING_CONVENTION, BigId, Id, UtcDateTime
from kabinet_kit.replicas import replica_versions_table
from kabinet_kit.service import service_tables


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


OUTBOX, PROCESSED, IDEMPOTENCY = service_tables(Base.metadata)
VERSIONS = replica_versions_table(Base.metadata)


# -- replicas of identity --------------------------------------------------------------
class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(100))


class Group(Base):
    """School classes only."""
    __tablename__ = "groups"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    name: Mapped[str] = mapped_column(String(100))
    grade_level: Mapped[int | None] = mapped_column(Integer)


class RoleAssignment(Base):
    __tablename__ = "role_assignments"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    account_id: Mapped[str] = mapped_column(Id, index=True)
    person_id: Mapped[str] = mapped_column(Id)
    role: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[str | None] = mapped_column(Id)
    group_id: Mapped[str | None] = mapped_column(Id)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Guardianship(Base):
    __tablename__ = "guardianships"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    guardian_person_id: Mapped[str] = mapped_column(Id, index=True)
    child_id: Mapped[str] = mapped_column(Id, index=True)


class Pupil(Base):
    """A pupil of a school class (from the movement book), the state of the portfolio consent,
    the rating opt-out and the points. No personal data here."""
    __tablename__ = "pupils"
    # A rating's page in its order (points down, then id) from the index alone (migration 0003).
    __table_args__ = (Index("ix_pupils_city_rating", "rated", text("points_cents DESC"), "id",
                            postgresql_include=["organisation_id", "group_id"]),
                      Index("ix_pupils_school_rating", "organisation_id", "rated", text("points_cents DESC"), "id",
                            postgresql_include=["group_id"]),
                      Index("ix_pupils_class_rating", "group_id", "rated", text("points_cents DESC"), "id",
                            postgresql_include=["organisation_id"]))
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str | None] = mapped_column(Id)
    group_id: Mapped[str | None] = mapped_column(Id)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the consent ended: achievements and documents go once the grace period has passed.
    consent_ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    # consent and not opted_out, kept with both so that ratings read one index.
    rated: Mapped[bool] = mapped_column(Boolean, default=False)
    # Hundredths of a point: ties are exact.
    points_cents: Mapped[int] = mapped_column(Integer, default=0)
    points_version: Mapped[int] = mapped_column(Integer, default=0)
    points_on: Mapped[date | None] = mapped_column(Date)


class PupilName(Base):
    """Present only while the portfolio consent is in force (the Selfie's personal data)."""
    __tablename__ = "pupil_names"
    pupil_id: Mapped[str] = mapped_column(Id, primary_key=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(200))


# -- department: settings, catalogue, coefficients ----------------------------------------
class Setting(Base):
    """Department settings: the grace period, the «Профстратегия» link."""
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class CatalogueVersion(Base):
    __tablename__ = "catalogue_versions"
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    note: Mapped[str] = mapped_column(String(300))
    published_by: Mapped[str | None] = mapped_column(Id)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Activity(Base):
    """A catalogue activity as it stands now; every change is a new catalogue version with the
    activity's values in ``activity_revisions``."""
    __tablename__ = "activities"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    organiser: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    level: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20), index=True)
    subsection: Mapped[str | None] = mapped_column(String(100))
    base_points: Mapped[float] = mapped_column(Float)
    register_url: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer)
    petition_id: Mapped[str | None] = mapped_column(Id)


class ActivityRevision(Base):
    __tablename__ = "activity_revisions"
    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id"), primary_key=True)
    version: Mapped[int] = mapped_column(ForeignKey("catalogue_versions.number"), primary_key=True)
    values: Mapped[dict] = mapped_column(JSON)


class CoefficientTable(Base):
    __tablename__ = "coefficient_tables"
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    coefficients: Mapped[dict] = mapped_column(JSON)
    published_by: Mapped[str | None] = mapped_column(Id)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())


# -- achievements ---------------------------------------------------------------------------
LIVE = ("draft", "submitted", "approved", "returned")


class Achievement(Base):
    __tablename__ = "achievements"
    __table_args__ = (
        # POR-13: one live achievement per pupil, activity and date.
        Index("uq_achievements_pupil_activity_date", "pupil_id", "activity_id", "achieved_on", unique=True,
              postgresql_where=text("state <> 'deleted'"), sqlite_where=text("state <> 'deleted'")),
        Index("ix_achievements_pupil_state", "pupil_id", "state"),
        Index("ix_achievements_document", "document_sha256"),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    pupil_id: Mapped[str] = mapped_column(Id)
    activity_id: Mapped[str] = mapped_column(ForeignKey("activities.id"))
    participation: Mapped[str] = mapped_column(String(20))
    individuality: Mapped[str] = mapped_column(String(20))
    result: Mapped[str] = mapped_column(String(20))
    achieved_on: Mapped[date] = mapped_column(Date)
    date_given: Mapped[str] = mapped_column(String(10))  # as the document had it: 2020, 2020-05, 2020-05-17
    register_url: Mapped[str | None] = mapped_column(String(500))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document_type: Mapped[str | None] = mapped_column(String(30))
    document_size: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)  # of the last return or the deletion
    sequence: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(Id)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AchievementHistory(Base):
    __tablename__ = "achievement_history"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    achievement_id: Mapped[str] = mapped_column(ForeignKey("achievements.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    by_account: Mapped[str] = mapped_column(Id)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


# -- the pupil's own sections (Selfie, Profi) -----------------------------------------------
class Goal(Base):
    __tablename__ = "goals"
    pupil_id: Mapped[str] = mapped_column(Id, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    achieved: Mapped[bool] = mapped_column(Boolean, default=False)


class Highlight(Base):
    """One of the five significant achievements, as text to copy."""
    __tablename__ = "highlights"
    pupil_id: Mapped[str] = mapped_column(Id, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(1000))


class Elective(Base):
    """An elective course a school runs (§6.1)."""
    __tablename__ = "electives"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    title: Mapped[str] = mapped_column(String(300))
    hours: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ProfiEntry(Base):
    """Profi (§5.2.3): electives, career trials, practices, agreements, reviews, olympiads."""
    __tablename__ = "profi_entries"
    __table_args__ = (Index("ix_profi_entries_pupil", "pupil_id", "kind"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    pupil_id: Mapped[str] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    organisation: Mapped[str | None] = mapped_column(String(300))
    elective_id: Mapped[str | None] = mapped_column(Id)
    happened_on: Mapped[date] = mapped_column(Date)
    details: Mapped[str | None] = mapped_column(Text)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed_by: Mapped[str | None] = mapped_column(Id)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


# -- petitions and disputes -------------------------------------------------------------------
class Petition(Base):
    """A pupil's request for a missing activity (state ``requested``), the school's petition to
    the department (``petitioned``), and the outcome (``included`` / ``refused``)."""
    __tablename__ = "petitions"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    requested_by_pupil: Mapped[str | None] = mapped_column(Id, index=True)
    proposal: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    activity_id: Mapped[str | None] = mapped_column(Id)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Dispute(Base):
    __tablename__ = "disputes"
    __table_args__ = (Index("ix_disputes_state_due", "state", "due_on"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    achievement_id: Mapped[str] = mapped_column(ForeignKey("achievements.id", ondelete="CASCADE"), index=True)
    pupil_id: Mapped[str] = mapped_column(Id, index=True)
    organisation_id: Mapped[str | None] = mapped_column(Id, index=True)
    opened_by: Mapped[str] = mapped_column(Id)
    subject: Mapped[str] = mapped_column(String(20))  # categorisation | refusal
    text: Mapped[str] = mapped_column(Text)
    opened_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20))  # open | answered
    overdue_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    answer: Mapped[str | None] = mapped_column(Text)
    cited_activity_id: Mapped[str | None] = mapped_column(Id)
    answered_by: Mapped[str | None] = mapped_column(Id)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
