"""Event handlers that keep this service's replicas of identity facts.

Pupils come from the movement book with their school and class (POR-01). Names: the portfolio
holds a pupil's name, birth date and e-mail (the Selfie, §5.2.1) only while the pupil's
``portfolio`` consent is in force — identity sends them again, as
``identity.person.disclosed.v1`` on ``identity.pd``, when that consent is given. Revocation,
expiry and erasure delete them in the handler's own transaction (POR-04); the achievements and
documents stay for the department's grace period and then go (``kabinet_portfolio.jobs``).

Consent, role and account events are applied in their order (``kabinet_kit.replicas.advance``):
an older one changes nothing; an erased person is forgotten, so no late event brings the name back.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kabinet_kit.events import CloudEvent, utcnow
from kabinet_kit.replicas import (
    Handler,
    advance,
    as_date,
    copy_into,
    forget,
    forgotten,
    role_assignment_handlers,
    upsert,
)

from .models import VERSIONS, Group, Guardianship, Organisation, Pupil, PupilName, RoleAssignment

PURPOSE = "portfolio"
CONSENT = "consent"  # keyed by pupil × purpose
PERSON = "person"  # keyed by person id: the version of the record; forgotten once erased

on_organisation = copy_into(Organisation, key={"id": "organisation_id"},
                            fields={"kind": "kind", "name": "name", "short_name": "short_name"})
on_group = copy_into(Group, key={"id": "group_id"},
                     fields={"organisation_id": "organisation_id", "name": "name", "grade_level": "grade_level"},
                     when=lambda d: d["kind"] == "school_class")
# Revoked roles stay as inactive rows.
ROLE_HANDLERS = role_assignment_handlers(RoleAssignment, VERSIONS, {
    "account_id": "account_id", "person_id": "person_id", "role": "role", "organisation_id": "organisation_id",
    "group_id": "group_id"}, soft=True)


def pupil_row(session: Session, pupil_id: str) -> Pupil:
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:  # a consent can arrive before the enrolment
        pupil = Pupil(id=pupil_id, consent=False, opted_out=False, rated=False, points_cents=0, points_version=0)
        session.add(pupil)
    return pupil


def on_movement(session: Session, event: CloudEvent) -> None:
    d = event.data
    group_id = d.get("group_id")
    group = session.get(Group, str(group_id)) if group_id else None
    pupil = session.get(Pupil, str(d["child_id"]))
    if group is None:
        # Withdrawn, or placed outside a school class: no longer in a class here.
        if pupil is not None:
            pupil.organisation_id, pupil.group_id = None, None
        return
    pupil = pupil or pupil_row(session, str(d["child_id"]))
    pupil.organisation_id, pupil.group_id = group.organisation_id, group.id


def on_guardianship(session: Session, event: CloudEvent) -> None:
    d = event.data
    exists = session.scalar(select(Guardianship.id).where(Guardianship.guardian_person_id == d["guardian_person_id"],
                                                          Guardianship.child_id == d["child_id"]))
    if not exists:
        session.add(Guardianship(id=d["guardianship_id"], guardian_person_id=d["guardian_person_id"],
                                 child_id=d["child_id"]))


def on_guardianship_removed(session: Session, event: CloudEvent) -> None:
    session.execute(delete(Guardianship).where(Guardianship.id == event.data["guardianship_id"]))


def _consent_is_current(session: Session, pupil_id: str, sequence: int | None, *, grant: bool) -> bool:
    return advance(session, VERSIONS, CONSENT, f"{pupil_id}:{PURPOSE}", sequence, same=grant)


def _grant(pupil: Pupil) -> None:
    pupil.consent, pupil.consent_ended_at = True, None
    pupil.rated = not pupil.opted_out


def on_consent_given(session: Session, event: CloudEvent) -> None:
    d = event.data
    if d["purpose"] != PURPOSE:
        return
    pupil = pupil_row(session, str(d["child_id"]))
    if _consent_is_current(session, pupil.id, d.get("sequence"), grant=True):
        _grant(pupil)


def on_person_disclosed(session: Session, event: CloudEvent) -> None:
    d = event.data
    if d["purpose"] != PURPOSE or d["kind"] != "child":
        return
    pupil = pupil_row(session, str(d["person_id"]))
    if not _consent_is_current(session, pupil.id, d.get("consent_sequence"), grant=True):
        return  # revoked since: the name must not come back
    _grant(pupil)
    _store_name(session, pupil.id, d)


def on_consent_ended(session: Session, event: CloudEvent) -> None:
    d = event.data
    if d["purpose"] != PURPOSE:
        return
    pupil = pupil_row(session, str(d["child_id"]))
    if _consent_is_current(session, pupil.id, d.get("sequence"), grant=False):
        pupil.consent, pupil.rated = False, False
        pupil.consent_ended_at = pupil.consent_ended_at or utcnow()
    if not pupil.consent:
        erase_name(session, pupil.id)


def erase_name(session: Session, pupil_id: str) -> None:
    session.execute(delete(PupilName).where(PupilName.pupil_id == pupil_id))


def _store_name(session: Session, pupil_id: str, d: dict[str, Any]) -> None:
    # Erased (IDN-08), or an older record than the one held (a disclosure repeats the current
    # version: as new as the one it repeats): nothing changes.
    if forgotten(session, VERSIONS, PERSON, pupil_id) \
            or not advance(session, VERSIONS, PERSON, pupil_id, d.get("sequence"), same=True):
        return
    upsert(session, PupilName, {"pupil_id": pupil_id}, {
        "last_name": d["last_name"], "first_name": d["first_name"], "middle_name": d.get("middle_name"),
        "birth_date": as_date(d.get("birth_date")), "email": d.get("email")})


def on_person(session: Session, event: CloudEvent) -> None:
    """A pupil's data changed: kept (updated) only under the consent."""
    d = event.data
    if d["kind"] != "child":
        return
    pupil = session.get(Pupil, str(d["person_id"]))
    if pupil is not None and pupil.consent:
        _store_name(session, pupil.id, d)


def on_person_erased(session: Session, event: CloudEvent) -> None:
    # The achievements stay by id until the grace period ends (the consent's end starts it).
    erase_name(session, str(event.data["person_id"]))
    forget(session, VERSIONS, PERSON, str(event.data["person_id"]))


HANDLERS: dict[str, Handler] = {
    "identity.organisation.created.v1": on_organisation,
    "identity.group.created.v1": on_group,
    **ROLE_HANDLERS,
    "identity.child.enrolled.v1": on_movement,
    "identity.child.transferred.v1": on_movement,
    "identity.child.withdrawn.v1": on_movement,
    "identity.guardianship.created.v1": on_guardianship,
    "identity.guardianship.removed.v1": on_guardianship_removed,
    "identity.consent.given.v1": on_consent_given,
    "identity.consent.revoked.v1": on_consent_ended,
    "identity.consent.expired.v1": on_consent_ended,
    "identity.person.registered.v1": on_person,
    "identity.person.updated.v1": on_person,
    "identity.person.disclosed.v1": on_person_disclosed,
    "identity.person.erased.v1": on_person_erased,
}
