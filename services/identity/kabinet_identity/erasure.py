"""Erasing a person's personal data (IDN-08; 152-FZ art. 21).

The person's row stays with ids only, so that the movement book, consents and the audit still
refer to someone ("erased"); names, birth date and contacts go, the account can no longer be
used, guardian links end, and every service drops what it holds of the person on
``identity.person.erased.v1``.

Load → decide → apply: :func:`decide_erasure` holds the rules over plain facts, so they are
tested without a database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from kabinet_kit.db import increment
from kabinet_kit.errors import Conflict
from kabinet_kit.events import utcnow
from kabinet_kit.idempotency import forget_idempotent_responses

from .access import Caller
from .audit import audit, deny
from .config import IDEMPOTENCY_KEEP
from .consent import end_consent
from .deps import Deps
from .models import (
    IDEMPOTENCY,
    AccessCode,
    Account,
    Consent,
    Guardianship,
    LoginFailure,
    Movement,
    Person,
    Placement,
    RoleAssignment,
)
from .people import end_access

#: What an erased person's names read as (the columns are required).
ERASED_NAME = "[удалено]"
#: Not an argon2 hash: no password verifies against it.
NO_PASSWORD = "!erased"
REASON = "personal data erased"


@dataclass(frozen=True)
class ErasureFacts:
    person_id: str
    #: The institution that registered the person (None: registered by no institution).
    registered_by: str | None
    #: Every institution the person's records are in: the registering one, the movement book's
    #: entries (a child), the scopes of the roles ever held (staff), the linked children's (a guardian).
    institutions: frozenset[str]
    #: A department role was ever held: such a person is the department's to erase.
    city_role: bool = False
    erased: bool = False
    #: A child placed in an institution now.
    placed: bool = False
    #: The effective date of the child's last withdrawal.
    left_on: date | None = None


@dataclass(frozen=True)
class ErasureVerdict:
    #: "erase"; "done" (erased before); "hidden" (404: not the caller's to see);
    #: "forbidden" (403); "refused" (409: the law keeps the records for now, ``reason`` says why)
    action: str
    reason: str = ""


def records_kept_until(left_on: date, years: int) -> date:
    try:
        return left_on.replace(year=left_on.year + years)
    except ValueError:  # 29 February
        return left_on.replace(year=left_on.year + years, day=28)


def decide_erasure(caller: Caller, facts: ErasureFacts, today: date, retention_years: int) -> ErasureVerdict:
    """Who may erase whom, and when the law says not yet (IDN-08)."""
    if not (caller.is_department or caller.administers(facts.registered_by)):
        return ErasureVerdict("hidden")
    if not caller.is_department and (facts.city_role or not all(caller.administers(o) for o in facts.institutions)):
        return ErasureVerdict("forbidden", "Only the department erases a person whose records are also in "
                                           "another institution.")
    if facts.erased:
        return ErasureVerdict("done")
    if facts.person_id == caller.person_id:
        return ErasureVerdict("refused", "You cannot erase yourself.")
    if facts.placed:
        return ErasureVerdict("refused", "The child is enrolled: his institution keeps his records while he "
                                         "learns. Record the withdrawal first.")
    if facts.left_on is not None:
        until = records_kept_until(facts.left_on, retention_years)
        if today < until:
            return ErasureVerdict("refused", f"The records of the child's education are kept until "
                                             f"{until.isoformat()} ({retention_years} years after he left).")
    return ErasureVerdict("erase")


def load_facts(session: Session, person: Person) -> ErasureFacts:
    institutions = {person.organisation_id} - {None}
    city_role = placed = False
    left_on: date | None = None
    if person.kind == "child":
        for movement in session.scalars(select(Movement).where(Movement.child_id == person.id)):
            institutions |= {movement.organisation_id, movement.from_organisation_id} - {None}
            if movement.kind == "withdraw" and (left_on is None or movement.effective_on > left_on):
                left_on = movement.effective_on
        placement = session.get(Placement, person.id)
        if placement is not None:
            placed = True
            institutions.add(placement.organisation_id)
    roles = session.execute(select(RoleAssignment.role, RoleAssignment.organisation_id)
                            .join(Account, Account.id == RoleAssignment.account_id)
                            .where(Account.person_id == person.id)).all()
    for role, organisation_id in roles:
        if role == "department_officer":
            city_role = True
        elif organisation_id is not None:
            institutions.add(organisation_id)
    if person.kind == "guardian":
        children = session.execute(select(Person.organisation_id, Placement.organisation_id)
                                   .join(Guardianship, Guardianship.child_id == Person.id)
                                   .outerjoin(Placement, Placement.child_id == Person.id)
                                   .where(Guardianship.guardian_person_id == person.id)).all()
        for registered_by, placed_in in children:
            institutions |= {placed_in or registered_by} - {None}
    return ErasureFacts(person_id=person.id, registered_by=person.organisation_id,
                        institutions=frozenset(i for i in institutions if i), city_role=city_role,
                        erased=person.erased_at is not None, placed=placed, left_on=left_on)


def erase_person(deps: Deps, session: Session, caller: Caller, person_id: str, basis: str,
                 request_id: str | None) -> Person:
    resource = f"people/{person_id}/erasure"
    person = session.get(Person, person_id)
    if person is None:
        deny(deps, caller, "erase_person", resource, request_id=request_id)
    verdict = decide_erasure(caller, load_facts(session, person), utcnow().date(),
                             deps.settings.pupil_records_retention_years)
    if verdict.action == "hidden":
        deny(deps, caller, "erase_person", resource, person_id=person.id, request_id=request_id)
    if verdict.action == "forbidden":
        deny(deps, caller, "erase_person", resource, person_id=person.id, organisation_id=person.organisation_id,
             request_id=request_id, not_found=False)
    if verdict.action == "refused":
        raise Conflict(verdict.reason)
    if verdict.action == "erase":
        audit(session, caller, "erase_person", resource, person_id=person.id,
              organisation_id=person.organisation_id, request_id=request_id)
        _erase(deps, session, caller, person, basis)
    return person


def _erase(deps: Deps, session: Session, caller: Caller, person: Person, basis: str) -> None:
    now = utcnow()
    account = session.scalar(select(Account).where(Account.person_id == person.id))
    if account is not None:
        end_access(deps, session, account, person, REASON)
        account.login = f"erased-{account.id}"  # a login is often the person's name
        account.password_hash = NO_PASSWORD
        session.execute(delete(LoginFailure).where(LoginFailure.account_id == account.id))  # addresses
    # A guardian without a name is nobody's guardian; an erased child is nobody's ward.
    for link in session.scalars(select(Guardianship).where(or_(Guardianship.guardian_person_id == person.id,
                                                               Guardianship.child_id == person.id))):
        deps.events.record(session, "identity.guardianship.removed.v1", {
            "guardianship_id": link.id, "guardian_person_id": link.guardian_person_id, "child_id": link.child_id,
            "sequence": increment(session, link)})
        session.delete(link)
    # The child's consents end; consents a guardian gave stay: the institution holds the signed
    # application, and revoking it is the guardian's own act.
    for consent in session.scalars(select(Consent).where(Consent.child_id == person.id, Consent.status == "active")):
        end_consent(deps, session, consent, "revoked", REASON)
    session.execute(update(AccessCode).where(
        or_(AccessCode.child_id == person.id, AccessCode.guardian_person_id == person.id),
        AccessCode.redeemed_at.is_(None), AccessCode.expires_at > now).values(expires_at=now, revoked_at=now))
    person.last_name = person.first_name = ERASED_NAME
    person.middle_name = person.email = person.phone = None
    person.birth_date = None
    person.erased_at, person.erased_by, person.erasure_basis = now, caller.account_id, basis
    # Replayable responses that showed the person's data go too (they are sealed, and kept a day).
    forget_idempotent_responses(session, IDEMPOTENCY, keep=IDEMPOTENCY_KEEP, seal=deps.seal, mentioning=person.id)
    deps.events.record(session, "identity.person.erased.v1", {"person_id": person.id})
