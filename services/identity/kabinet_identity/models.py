"""Identity's tables. Ids are UUID strings so that they travel unchanged in events."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kabinet_kit.db import NAMING_CONVENTION, BigId, Id, UtcDateTime, new_id
from kabinet_kit.service import service_tables


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


OUTBOX, PROCESSED, IDEMPOTENCY = service_tables(Base.metadata)


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AcademicYear(Base):
    __tablename__ = "academic_years"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


class Group(Base):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("organisation_id", "academic_year_id", "name", name="uq_groups_org_year_name"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    academic_year_id: Mapped[str] = mapped_column(ForeignKey("academic_years.id"))
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    grade_level: Mapped[int | None] = mapped_column(Integer)
    age_band: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Person(Base):
    """Personal data lives here and nowhere else in identity's tables."""
    __tablename__ = "people"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    birth_date: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The record of an erasure (IDN-08): the row stays, with ids only, so that what refers to
    # the person (the movement book, consents, the audit) still resolves to "erased".
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    erased_by: Mapped[str | None] = mapped_column(Id)
    erasure_basis: Mapped[str | None] = mapped_column(String(200))
    # The version of this record, carried by person.* events (a disclosure repeats it).
    sequence: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), unique=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    deactivated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    deactivation_reason: Mapped[str | None] = mapped_column(String(200))
    sessions_revoked_before: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # This account's order, carried by account.created/activated/locked/deactivated: each takes
    # the next number (kabinet_kit.db.increment, in the transaction of the change).
    sequence: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class RoleAssignment(Base):
    __tablename__ = "role_assignments"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    group_id: Mapped[str | None] = mapped_column(ForeignKey("groups.id"))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # This assignment's order, carried by its events: 1 when granted, 2 when revoked.
    sequence: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class Guardianship(Base):
    __tablename__ = "guardianships"
    __table_args__ = (UniqueConstraint("guardian_person_id", "child_id", name="uq_guardianships_pair"),)
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    guardian_person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    child_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # This link's order: 1 when created, 2 when removed (the row goes; a new link starts at 1).
    sequence: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class Placement(Base):
    """Where a child is now; the movement book below keeps how it got there."""
    __tablename__ = "placements"
    child_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    group_id: Mapped[str | None] = mapped_column(ForeignKey("groups.id"), index=True)
    since: Mapped[date] = mapped_column(Date)


class Movement(Base):
    __tablename__ = "movements"
    # A child's entries are numbered 1, 2, 3, …: the order of the placement's events.
    __table_args__ = (UniqueConstraint("child_id", "sequence", name="uq_movements_child_sequence"),
                      # The movement register reads an institution's book by period (0007).
                      Index("ix_movements_organisation_effective", "organisation_id", "effective_on"),
                      Index("ix_movements_from_organisation_effective", "from_organisation_id", "effective_on"))
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    child_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    group_id: Mapped[str | None] = mapped_column(ForeignKey("groups.id"))
    from_organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    from_group_id: Mapped[str | None] = mapped_column(ForeignKey("groups.id"))
    order_number: Mapped[str] = mapped_column(String(50))
    order_date: Mapped[date] = mapped_column(Date)
    effective_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str | None] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sequence: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))


class AccessCode(Base):
    __tablename__ = "access_codes"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    child_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    guardian_person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    issued_by: Mapped[str] = mapped_column(Id)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    redeemed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    redeemed_by_account_id: Mapped[str | None] = mapped_column(Id)


class RedemptionAttempt(Base):
    __tablename__ = "redemption_attempts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    client_key: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class LoginFailure(Base):
    """A wrong password for an account from a client address: logins are throttled per pair, so
    that guessing from one address does not lock the owner out from another."""
    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(Id, index=True)
    client_key: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class Consent(Base):
    __tablename__ = "consents"
    __table_args__ = (
        # At most one consent in force per child and purpose.
        Index("uq_consents_active", "child_id", "purpose", unique=True,
              postgresql_where=text("status = 'active'"), sqlite_where=text("status = 'active'")),
    )
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    child_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    given_by_person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    registration_number: Mapped[str] = mapped_column(String(50))
    registration_date: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(Id)
    given_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The order of the child's consents for this purpose, carried by its events: each change
    # (given, ended, the next one given) takes the next number for the child × purpose.
    sequence: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    end_reason: Mapped[str | None] = mapped_column(String(200))


class Session_(Base):
    """A login session: the refresh-token family and the access tokens issued for it."""
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoke_reason: Mapped[str | None] = mapped_column(String(50))


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"
    id: Mapped[str] = mapped_column(Id, primary_key=True, default=new_id)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SigningKey(Base):
    __tablename__ = "signing_keys"
    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuditRecord(Base):
    """Who read (or tried to read) whose personal data, and when."""
    __tablename__ = "audit_records"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor_account_id: Mapped[str | None] = mapped_column(Id, index=True)
    action: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[str | None] = mapped_column(Id, index=True)
    organisation_id: Mapped[str | None] = mapped_column(Id, index=True)
    resource: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str | None] = mapped_column(String(128))
