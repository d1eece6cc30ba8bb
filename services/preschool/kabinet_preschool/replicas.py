"""Event handlers that keep this service's replicas of identity facts.

Names: this service holds a child's name only while the ``preschool_cabinet`` consent is in
force (PRE-06) — never "just in case". Identity sends the name again, as
``identity.person.disclosed.v1`` on ``identity.pd``, whenever such a consent is given, so a
name that arrives without a consent (person.registered/updated) is simply not kept.
Revocation, expiry and erasure delete the name in the handler's own transaction.

Events can be applied out of order (a retried message comes back later), so events about one
entity — a consent, a role assignment, a guardian link, a child's placement, a person's record —
are applied in its order (the events' sequence, ``kabinet_kit.replicas.advance``): an older one
changes nothing — a disclosure or a grant delayed past its revocation must not bring the name or
the role back, a late enrolment must not undo the transfer that followed it.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kabinet_kit.events import CloudEvent
from kabinet_kit.replicas import Handler, advance, copy_into, forget, forgotten, role_assignment_handlers, upsert

from .models import (
    VERSIONS,
    AcademicYear,
    Child,
    ChildName,
    ChildNumber,
    ConsentRecord,
    Group,
    Guardianship,
    Organisation,
    RoleAssignment,
)

PURPOSE = "preschool_cabinet"
CONSENT = "consent"  # keyed by child × purpose: one order across the consents given for it
GUARDIANSHIP = "guardianship"  # keyed by the link's id
PLACEMENT = "placement"  # keyed by child id: the order of the child's movement book
PERSON = "person"  # keyed by person id: the version of the record; forgotten once erased

on_organisation = copy_into(Organisation, key={"id": "organisation_id"},
                            fields={"kind": "kind", "name": "name", "short_name": "short_name"})
on_academic_year = copy_into(AcademicYear, key={"id": "academic_year_id"},
                             fields={"name": "name", "starts_on": "starts_on", "ends_on": "ends_on"},
                             dates=("starts_on", "ends_on"))
# School classes and associations are not this service's business.
on_group = copy_into(Group, key={"id": "group_id"},
                     fields={"organisation_id": "organisation_id", "academic_year_id": "academic_year_id",
                             "name": "name", "age_band": "age_band"},
                     when=lambda d: d["kind"] == "kindergarten_group")
# Revoked roles stay as inactive rows.
ROLE_HANDLERS = role_assignment_handlers(RoleAssignment, VERSIONS, {
    "account_id": "account_id", "person_id": "person_id", "role": "role", "organisation_id": "organisation_id",
    "group_id": "group_id"}, soft=True)


def on_movement(session: Session, event: CloudEvent) -> None:
    d = event.data
    if not advance(session, VERSIONS, PLACEMENT, str(d["child_id"]), d.get("sequence")):
        return  # moved again since: where the child is now stays
    child_id, group_id = d["child_id"], d.get("group_id")
    group = session.get(Group, group_id) if group_id else None
    child = session.get(Child, child_id)
    if group is None:
        # Withdrawn, or moved to a school class: no longer in a kindergarten group.
        if child is not None:
            child.organisation_id, child.group_id = None, None
        return
    if child is None:
        child = Child(id=child_id, consent=False)
        session.add(child)
    child.organisation_id, child.group_id = group.organisation_id, group.id
    session.flush()
    if session.get(ChildNumber, (group.id, child_id)) is None:
        # Numbers are never reused: the next one after the highest ever given in this group.
        top = session.scalar(select(func.max(ChildNumber.number)).where(ChildNumber.group_id == group.id)) or 0
        session.add(ChildNumber(group_id=group.id, child_id=child_id, number=top + 1))


# One row per link, not per guardian × child: a link removed and made again is a new link, and
# the late removal of the old one must leave the new one in place.
on_guardianship = copy_into(Guardianship, key={"id": "guardianship_id"},
                            fields={"guardian_person_id": "guardian_person_id", "child_id": "child_id"},
                            ordered=(VERSIONS, GUARDIANSHIP))


def on_guardianship_removed(session: Session, event: CloudEvent) -> None:
    # The institution removed the link: the guardian no longer sees the child here. By the link's
    # id, so that a late removal of an earlier link leaves a newer one in place.
    if not advance(session, VERSIONS, GUARDIANSHIP, str(event.data["guardianship_id"]), event.data.get("sequence")):
        return
    session.execute(delete(Guardianship).where(Guardianship.id == event.data["guardianship_id"]))


def _consent_is_current(session: Session, child_id: str, sequence: int | None, *, grant: bool) -> bool:
    # A grant and its disclosure share one sequence, and either may come first.
    return advance(session, VERSIONS, CONSENT, f"{child_id}:{PURPOSE}", sequence, same=grant)


def _child_for_consent(session: Session, child_id: str) -> Child:
    child = session.get(Child, child_id)
    if child is None:  # the consent can arrive before the enrolment
        child = Child(id=child_id, consent=False)
        session.add(child)
    return child


def register_consent(session: Session, event: CloudEvent, status: str) -> None:
    """The head's register (seed 000 §4.2.5), one row per consent, whatever the purpose. An end
    is final: a given event arriving after it fills in the details but never revives it."""
    d = event.data
    row = session.get(ConsentRecord, str(d["consent_id"]))
    if row is None:
        row = ConsentRecord(id=str(d["consent_id"]), child_id=str(d["child_id"]), purpose=d["purpose"], status=status)
        session.add(row)
    row.registration_number, row.registration_date = d.get("registration_number"), _date(d.get("registration_date"))
    if d.get("given_by_person_id"):
        row.guardian_person_id = str(d["given_by_person_id"])
    if status == "active":
        row.given_at = row.given_at or event.time
    else:
        row.status, row.ended_at = status, row.ended_at or event.time


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def on_consent_given(session: Session, event: CloudEvent) -> None:
    d = event.data
    register_consent(session, event, "active")
    if d["purpose"] != PURPOSE:
        return
    child = _child_for_consent(session, str(d["child_id"]))
    if _consent_is_current(session, child.id, d.get("sequence"), grant=True):
        child.consent = True
    # The name itself comes with identity.person.disclosed.v1, sent right after this event.


def on_person_disclosed(session: Session, event: CloudEvent) -> None:
    d = event.data
    if d["purpose"] != PURPOSE or d["kind"] != "child":
        return
    child = _child_for_consent(session, str(d["person_id"]))
    if not _consent_is_current(session, child.id, d.get("consent_sequence"), grant=True):
        return  # revoked since: the name must not come back
    child.consent = True
    _store_name(session, str(d["person_id"]), d)


def _name_is_current(session: Session, d: dict[str, Any]) -> bool:
    # A disclosure repeats the record's current version: as new as the one it repeats. Checked
    # only when a name is about to be kept, so a version never held here blocks nothing.
    return advance(session, VERSIONS, PERSON, str(d["person_id"]), d.get("sequence"), same=True)


def on_consent_ended(session: Session, event: CloudEvent) -> None:
    d = event.data
    register_consent(session, event, "expired" if event.type.endswith(".expired.v1") else "revoked")
    if d["purpose"] != PURPOSE:
        return
    child = _child_for_consent(session, str(d["child_id"]))
    if _consent_is_current(session, child.id, d.get("sequence"), grant=False):
        child.consent = False
    # Whatever the order, no name stays without a consent in force.
    if not child.consent:
        erase_name(session, child.id)


def erase_name(session: Session, child_id: str) -> None:
    session.execute(delete(ChildName).where(ChildName.child_id == child_id))


def _store_name(session: Session, child_id: str, d: dict[str, Any]) -> None:
    if forgotten(session, VERSIONS, PERSON, child_id) or not _name_is_current(session, d):
        return  # erased (IDN-08), or an older record than the name held
    # Birth date and contacts are never kept: the cabinet shows a name, nothing more.
    upsert(session, ChildName, {"child_id": child_id}, {
        "last_name": d["last_name"], "first_name": d["first_name"], "middle_name": d.get("middle_name")})


def on_person(session: Session, event: CloudEvent) -> None:
    """A person registered or changed: a child's name is kept (or updated) only under consent."""
    d = event.data
    if d["kind"] != "child":
        return  # staff and guardians are never shown by name here
    child = session.get(Child, str(d["person_id"]))
    if child is not None and child.consent:
        _store_name(session, child.id, d)


def on_person_erased(session: Session, event: CloudEvent) -> None:
    # The child stays here by id and pseudonym (observations are the kindergarten's record).
    erase_name(session, str(event.data["person_id"]))
    forget(session, VERSIONS, PERSON, str(event.data["person_id"]))


HANDLERS: dict[str, Handler] = {
    "identity.organisation.created.v1": on_organisation,
    "identity.academic_year.created.v1": on_academic_year,
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
