"""Children: who a child is and where placed, reading a child's record, guardianship."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.db import increment
from kabinet_kit.errors import InvalidInput, NotFound
from kabinet_kit.events import utcnow

from . import access
from .access import Caller, Where
from .audit import audit, deny
from .deps import Deps
from .models import Consent, Guardianship, Person, Placement


def child_of(session: Session, child_id: str) -> Person | None:
    """The child, unless his data were erased: then he is no one's to serve or read (IDN-08)."""
    person = session.get(Person, child_id)
    return person if person is not None and person.kind == "child" and person.erased_at is None else None


def placement_of(session: Session, child_id: str) -> Where | None:
    p = session.get(Placement, child_id)
    return Where(p.organisation_id, p.group_id) if p else None


def read_child(deps: Deps, session: Session, caller: Caller, child_id: str, request_id: str | None) -> dict:
    child = child_of(session, child_id)
    where = placement_of(session, child_id) if child else None
    if child is None or not access.can_read_child(caller, child_id, where):
        deny(deps, caller, "read_person", f"children/{child_id}", person_id=child_id if child else None,
             organisation_id=where.organisation_id if where else None, request_id=request_id)
    audit(session, caller, "read_person", f"children/{child_id}", person_id=child_id,
          organisation_id=where.organisation_id if where else None, request_id=request_id)
    consents = session.scalars(select(Consent).where(Consent.child_id == child_id, Consent.status == "active")).all()
    return {"child_id": child.id, "last_name": child.last_name, "first_name": child.first_name,
            "middle_name": child.middle_name, "birth_date": child.birth_date,
            "organisation_id": where.organisation_id if where else None, "group_id": where.group_id if where else None,
            "consents": [c.purpose for c in consents]}


def link_guardian(deps: Deps, session: Session, caller: Caller, child_id: str, guardian_person_id: str) -> Guardianship:
    child = child_of(session, child_id)
    where = placement_of(session, child_id) if child else None
    if child is None or not access.can_serve_child(caller, where):
        deny(deps, caller, "link_guardian", f"children/{child_id}/guardians", person_id=child_id if child else None)
    assert where is not None, "can_serve_child refuses a child placed nowhere"
    guardian = guardian_of_institution(session, where, guardian_person_id)
    return link_guardianship(deps, session, guardian.id, child.id)


def guardian_of_institution(session: Session, where: Where, guardian_person_id: str) -> Person:
    """The guardian, if the child's institution registered him; anyone else is refused as unknown."""
    guardian = session.get(Person, guardian_person_id)
    if guardian is None or guardian.kind != "guardian" or guardian.erased_at is not None \
            or not access.can_link_guardian(where, guardian.organisation_id):
        raise InvalidInput("Not a guardian of this institution.",
                           errors={"guardian_person_id": ["No such guardian registered by the child's institution."]})
    return guardian


def is_guardian_of(session: Session, guardian_person_id: str, child_id: str) -> bool:
    return session.scalar(select(Guardianship.id).where(Guardianship.guardian_person_id == guardian_person_id,
                                                        Guardianship.child_id == child_id)) is not None


def link_guardianship(deps: Deps, session: Session, guardian_person_id: str, child_id: str) -> Guardianship:
    existing = session.scalar(select(Guardianship).where(Guardianship.guardian_person_id == guardian_person_id,
                                                         Guardianship.child_id == child_id))
    if existing:
        return existing
    link = Guardianship(guardian_person_id=guardian_person_id, child_id=child_id, created_at=utcnow())
    session.add(link)
    session.flush()
    deps.events.record(session, "identity.guardianship.created.v1", {
        "guardianship_id": link.id, "guardian_person_id": guardian_person_id, "child_id": child_id,
        "sequence": link.sequence})
    return link


def unlink_guardian(deps: Deps, session: Session, caller: Caller, child_id: str, guardian_person_id: str) -> None:
    """The child's institution removes a guardian link (a court order, a link made in error):
    the guardian no longer sees the child here or in the replicas (issue 11, finding 3)."""
    child = child_of(session, child_id)
    where = placement_of(session, child_id) if child else None
    resource = f"children/{child_id}/guardians/{guardian_person_id}"
    if child is None or where is None or not access.can_unlink_guardian(caller, where):
        deny(deps, caller, "unlink_guardian", resource, person_id=child_id if child else None)
    link = session.scalar(select(Guardianship).where(Guardianship.guardian_person_id == guardian_person_id,
                                                     Guardianship.child_id == child_id))
    if link is None:
        raise NotFound("No such guardian link.")
    audit(session, caller, "unlink_guardian", resource, person_id=child_id, organisation_id=where.organisation_id)
    deps.events.record(session, "identity.guardianship.removed.v1", {
        "guardianship_id": link.id, "guardian_person_id": guardian_person_id, "child_id": child_id,
        "sequence": increment(session, link)})
    session.delete(link)
