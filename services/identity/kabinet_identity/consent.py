"""Consent to process a child's personal data, per purpose."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kabinet_contracts.identity import CONSENT_PURPOSES
from kabinet_kit.errors import Conflict, InvalidInput, NotFound
from kabinet_kit.events import utcnow

from . import access
from .access import Caller, Where
from .audit import deny
from .children import child_of, placement_of
from .deps import Deps
from .models import Consent, Guardianship, Movement
from .people import person_record

PUPIL_OWN_PURPOSE = "portfolio"


def give_consent(deps: Deps, session: Session, caller: Caller, child_id: str, data: dict) -> Consent:
    child = child_of(session, child_id)
    where = placement_of(session, child_id) if child else None
    purpose = data["purpose"]
    if child is None:
        deny(deps, caller, "give_consent", f"children/{child_id}/consents")
    if child_id in caller.children or _pupil_for_himself(caller, child_id, purpose):
        # A guardian consents online (and the pupil to his own portfolio, seed 003 §4.3): the
        # register entry is the institution's, numbered and dated
        # by the service, not chosen or backdated by the guardian (issue 11, finding 1).
        chosen = {f: ["Assigned by the institution's register; do not send it."]
                  for f in ("registration_number", "registration_date") if data.get(f)}
        if chosen:
            raise InvalidInput("The registration is the institution's.", errors=chosen)
        given_by = caller.person_id
        reg_date = utcnow().date()
        number = _next_online_number(session, reg_date)
    elif access.can_serve_child(caller, where):
        # Staff register a signed paper application: its number and date (IDN-05).
        errors = {f: ["Required when staff register a paper application."]
                  for f in ("given_by_person_id", "registration_number", "registration_date") if not data.get(f)}
        if errors:
            raise InvalidInput("Registration details missing.", errors=errors)
        check_paper_date(data["registration_date"], utcnow().date(), entered_on(session, child_id, where))
        given_by = data["given_by_person_id"]
        if not session.scalar(select(Guardianship).where(Guardianship.child_id == child_id,
                                                         Guardianship.guardian_person_id == given_by)):
            raise InvalidInput("Consent is given by the child's guardian.",
                               errors={"given_by_person_id": ["Not a guardian of this child."]})
        number, reg_date = data["registration_number"], data["registration_date"]
    else:
        deny(deps, caller, "give_consent", f"children/{child_id}/consents", person_id=child_id)
    if where is None:
        raise Conflict("The child is not enrolled; consent lasts while the child is in an institution.")
    if session.scalar(select(Consent).where(Consent.child_id == child_id, Consent.purpose == purpose,
                                            Consent.status == "active")):
        raise Conflict("Consent for this purpose is in force already.", errors={"purpose": ["Already given."]})
    consent = Consent(child_id=child_id, purpose=purpose, status="active", given_by_person_id=given_by,
                      registration_number=number, registration_date=reg_date, recorded_by=caller.account_id,
                      given_at=utcnow(), sequence=_next_sequence(session, child_id, purpose))
    session.add(consent)
    session.flush()
    deps.events.record(session, "identity.consent.given.v1", consent_event(consent))
    # Services that keep a name only under this consent (the preschool cabinet) get it now.
    deps.events.record(session, "identity.person.disclosed.v1", {**person_record(child), "purpose": purpose,
                                                                  "consent_sequence": consent.sequence})
    return consent


def _pupil_for_himself(caller: Caller, child_id: str, purpose: str) -> bool:
    """Seed 003 §4.3: at first use of the portfolio the pupil himself accepts the processing of
    his personal data (and may withdraw it); every other purpose stays the guardians'."""
    return purpose == PUPIL_OWN_PURPOSE and child_id == caller.person_id


def check_paper_date(registered: date, today: date, entered: date | None) -> None:
    """A paper application is registered on a day that has come, and not before the child's
    enrolment order in the institution: the register cannot hold it earlier (IDN-05)."""
    if registered > today:
        raise InvalidInput("The registration date is in the future.",
                           errors={"registration_date": ["Not after today."]})
    if entered is not None and registered < entered:
        raise InvalidInput("The registration date is before the child entered the institution.",
                           errors={"registration_date": [f"Not before {entered.isoformat()}."]})


def entered_on(session: Session, child_id: str, where: Where | None) -> date | None:
    """The order date of the child's enrolment or transfer into the institution he is placed in."""
    if where is None:
        return None
    return session.scalar(select(Movement.order_date).where(
        Movement.child_id == child_id, Movement.organisation_id == where.organisation_id,
        Movement.kind.in_(("enrol", "transfer")),
        or_(Movement.from_organisation_id.is_(None), Movement.from_organisation_id != where.organisation_id))
        .order_by(Movement.effective_on.desc(), Movement.recorded_at.desc()).limit(1))


def _next_online_number(session: Session, today: date) -> str:
    # Online consents take the next number of the year's electronic register, "ЭЛ-2026/00001".
    prefix = f"ЭЛ-{today.year}/"
    taken = session.scalar(select(func.count()).select_from(Consent)
                           .where(Consent.registration_number.startswith(prefix, autoescape=True))) or 0
    return f"{prefix}{taken + 1:05d}"


def _next_sequence(session: Session, child_id: str, purpose: str) -> int:
    # One order per child × purpose across its consents, so that a replica keeping "the consent
    # in force" can tell a late event of an earlier consent from the current one.
    held = session.scalar(select(func.max(Consent.sequence)).where(Consent.child_id == child_id,
                                                                   Consent.purpose == purpose))
    return (held or 0) + 1


def consent_event(consent: Consent) -> dict:
    return {"consent_id": consent.id, "child_id": consent.child_id, "purpose": consent.purpose,
            "registration_number": consent.registration_number, "registration_date": consent.registration_date,
            "given_by_person_id": consent.given_by_person_id, "sequence": consent.sequence}


def end_consent(deps: Deps, session: Session, consent: Consent, status: str, reason: str) -> None:
    consent.sequence = _next_sequence(session, consent.child_id, consent.purpose)
    consent.status = status
    consent.ended_at = utcnow()
    consent.end_reason = reason
    deps.events.record(session, f"identity.consent.{status}.v1", consent_event(consent))


def revoke_consent(deps: Deps, session: Session, caller: Caller, child_id: str, purpose: str,
                   reason: str | None) -> Consent:
    if purpose not in CONSENT_PURPOSES:
        raise InvalidInput("Unknown purpose.", errors={"purpose": [f"One of: {', '.join(CONSENT_PURPOSES)}."]})
    child = child_of(session, child_id)
    where = placement_of(session, child_id) if child else None
    if child is None or not (child_id in caller.children or _pupil_for_himself(caller, child_id, purpose)
                             or (where is not None and caller.administers(where.organisation_id))):
        deny(deps, caller, "revoke_consent", f"children/{child_id}/consents/{purpose}",
             person_id=child_id if child else None)
    consent = session.scalar(select(Consent).where(Consent.child_id == child_id, Consent.purpose == purpose,
                                                   Consent.status == "active"))
    if consent is None:
        raise NotFound("No consent in force for this purpose.")
    end_consent(deps, session, consent, "revoked", reason or "revoked by guardian")
    return consent


def list_consents(deps: Deps, session: Session, caller: Caller, child_id: str) -> list[Consent]:
    child = child_of(session, child_id)
    where = placement_of(session, child_id) if child else None
    if child is None or not access.can_read_child(caller, child_id, where):
        deny(deps, caller, "read_consents", f"children/{child_id}/consents", person_id=child_id if child else None)
    return list(session.scalars(select(Consent).where(Consent.child_id == child_id)
                                .order_by(Consent.given_at, Consent.id)))
