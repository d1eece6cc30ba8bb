"""Preschool tables: replicas of identity facts (built from events), the versioned card
catalogue, monitoring rounds, observations, routes, recommendations and visits.

Names are held only in ``child_names`` and only while the ``preschool_cabinet`` consent is
in force (PRE-06); no birth date or contact is held at all.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kabinet_kit.db import NAMING_CONVENTION, BigId, Id, UtcDateTime
from kabinet_kit.replicas import replica_versions_table
from kabinet_kit.service import service_tables


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


OUTBOX, PROCESSED, IDEMPOTENCY = service_tables(Base.metadata)
# The last sequence applied per replicated entity (consents, role assignments).
VERSIONS = replica_versions_table(Base.metadata)


# -- replicas of identity --------------------------------------------------------------
class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(100))


class AcademicYear(Base):
    __tablename__ = "academic_years"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class Group(Base):
    """Kindergarten groups only; the age band decides which indicators apply."""
    __tablename__ = "groups"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    academic_year_id: Mapped[str] = mapped_column(Id)
    name: Mapped[str] = mapped_column(String(100))
    age_band: Mapped[str | None] = mapped_column(String(20))


class RoleAssignment(Base):
    __tablename__ = "role_assignments"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    account_id: Mapped[str] = mapped_column(Id, index=True)
    person_id: Mapped[str] = mapped_column(Id)
    role: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[str | None] = mapped_column(Id)
    group_id: Mapped[str | None] = mapped_column(Id)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Child(Base):
    """Where a child is placed now (group is None once withdrawn) and whether the
    preschool_cabinet consent is in force. No personal data here."""
    __tablename__ = "children"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str | None] = mapped_column(Id, index=True)
    group_id: Mapped[str | None] = mapped_column(Id, index=True)
    consent: Mapped[bool] = mapped_column(Boolean, default=False)


class ChildNumber(Base):
    """The stable pseudonym: a number per child within a group, assigned on first placement
    and never reused."""
    __tablename__ = "child_numbers"
    __table_args__ = (UniqueConstraint("group_id", "number", name="uq_child_numbers_group_number"),)
    group_id: Mapped[str] = mapped_column(Id, primary_key=True)
    child_id: Mapped[str] = mapped_column(Id, primary_key=True)
    number: Mapped[int] = mapped_column(Integer)


class ChildName(Base):
    """A child's name, present only while the preschool_cabinet consent is in force."""
    __tablename__ = "child_names"
    child_id: Mapped[str] = mapped_column(Id, primary_key=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))


class Guardianship(Base):
    """A guardian's link to a child, one row per link (a link made again is a new one)."""
    __tablename__ = "guardianships"
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    guardian_person_id: Mapped[str] = mapped_column(Id, index=True)
    child_id: Mapped[str] = mapped_column(Id, index=True)


# -- the card catalogue (versioned data) ---------------------------------------------------
class CatalogueVersion(Base):
    __tablename__ = "catalogue_versions"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(300))
    basis: Mapped[str | None] = mapped_column(String(300))  # the department's order (PRE-01)
    status: Mapped[str] = mapped_column(String(20))  # draft | published
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Card(Base):
    __tablename__ = "cards"
    __table_args__ = (UniqueConstraint("version_id", "code", name="uq_cards_version_code"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalogue_versions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)


class Indicator(Base):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("card_id", "age_band", "code", name="uq_indicators_card_band_code"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    age_band: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    max_level: Mapped[int] = mapped_column(Integer)  # the scale is 1..max_level


class IndicatorLevel(Base):
    __tablename__ = "indicator_levels"
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    description: Mapped[str] = mapped_column(Text)


# -- monitoring ----------------------------------------------------------------------------
class Round(Base):
    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("organisation_id", "academic_year_id", "number",
                                       name="uq_rounds_org_year_number"),
                      Index("ix_rounds_year_number", "academic_year_id", "number"))
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(Id, index=True)
    academic_year_id: Mapped[str] = mapped_column(Id)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date] = mapped_column(Date)
    catalogue_version_id: Mapped[int] = mapped_column(ForeignKey("catalogue_versions.id"))
    status: Mapped[str] = mapped_column(String(20))  # open | closed
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Observation(Base):
    __tablename__ = "observations"
    __table_args__ = (UniqueConstraint("child_id", "round_id", "indicator_id", name="uq_observations_child_round_ind"),
                      Index("ix_observations_round_group", "round_id", "group_id"))
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    child_id: Mapped[str] = mapped_column(Id)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    group_id: Mapped[str] = mapped_column(Id)  # the group the child was in when observed
    level: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LevelCount(Base):
    """Children per level, per group, round and indicator — kept with every observation write
    so that kindergarten and city statistics sum a few thousand rows, not a million."""
    __tablename__ = "level_counts"
    round_id: Mapped[str] = mapped_column(Id, primary_key=True)
    group_id: Mapped[str] = mapped_column(Id, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    children: Mapped[int] = mapped_column(Integer)


class Route(Base):
    """Individual development route (PRE-09): per child and round."""
    __tablename__ = "routes"
    __table_args__ = (UniqueConstraint("child_id", "round_id", name="uq_routes_child_round"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    child_id: Mapped[str] = mapped_column(Id, index=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"))
    organisation_id: Mapped[str] = mapped_column(Id)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    author: Mapped[str] = mapped_column(Id)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RouteGoal(Base):
    __tablename__ = "route_goals"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("routes.id"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    goal: Mapped[str] = mapped_column(Text)
    activities: Mapped[str] = mapped_column(Text)
    review_on: Mapped[date] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer)


class Recommendation(Base):
    __tablename__ = "recommendations"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    child_id: Mapped[str] = mapped_column(Id, index=True)
    organisation_id: Mapped[str] = mapped_column(Id)
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(Id)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Visit(Base):
    """A guardian opened a child's cabinet (the activity indicator, PRE-11)."""
    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_org_at", "organisation_id", "visited_at"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    child_id: Mapped[str] = mapped_column(Id)
    organisation_id: Mapped[str] = mapped_column(Id)
    visited_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ObservationCorrection(Base):
    """A level changed by a person responsible for the cabinet in the kindergarten (seed 000
    §3.4) over an educator's entry: who, when, which entry, old → new. Read by the head."""
    __tablename__ = "observation_corrections"
    __table_args__ = (Index("ix_observation_corrections_org_at", "organisation_id", "corrected_at"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(Id)
    child_id: Mapped[str] = mapped_column(Id)
    round_id: Mapped[str] = mapped_column(Id)
    indicator_id: Mapped[int] = mapped_column(Integer)
    corrected_by: Mapped[str] = mapped_column(Id)  # the account
    corrected_at: Mapped[datetime] = mapped_column(UtcDateTime())
    entered_by: Mapped[str] = mapped_column(Id)  # whose entry it was
    old_level: Mapped[int] = mapped_column(Integer)
    new_level: Mapped[int] = mapped_column(Integer)
    old_note: Mapped[str | None] = mapped_column(Text)
    new_note: Mapped[str | None] = mapped_column(Text)


class ConsentRecord(Base):
    """A child's consent as identity announced it (given, revoked, expired): the head's register
    (seed 000 §4.2.5). Ids and dates only — the guardian is never named here."""
    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_child_purpose", "child_id", "purpose"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True)
    child_id: Mapped[str] = mapped_column(Id)
    purpose: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))  # active | revoked | expired
    guardian_person_id: Mapped[str | None] = mapped_column(Id)
    registration_number: Mapped[str | None] = mapped_column(String(100))
    registration_date: Mapped[date | None] = mapped_column(Date)
    given_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
