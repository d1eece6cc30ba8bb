"""The movement book: enrolment, transfer and withdrawal, each by order (IDN-03), and the
release (transfer out) a transfer from another institution needs (IDN-07).

Recording a movement is load → decide → apply: :func:`decide_movement` holds the rules over
plain values (what is allowed from which placement, where the child ends up, which event),
so they are tested without a database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput
from kabinet_kit.events import utcnow

from . import access
from .access import Caller, Where
from .audit import deny
from .children import child_of, placement_of
from .consent import end_consent
from .deps import Deps
from .models import Consent, Group, Movement, Organisation, Person, Placement

EVENT_TYPES = {"enrol": "identity.child.enrolled.v1", "transfer": "identity.child.transferred.v1",
               "withdraw": "identity.child.withdrawn.v1", "release": "identity.child.released.v1"}
#: The entries that change where a child is placed; a release in force is one recorded after the last of them.
PLACING_KINDS = ("enrol", "transfer", "withdraw")


class MovementRefused(Exception):
    """The caller may not order this movement: only the administrator of ``organisation_id`` may."""

    def __init__(self, organisation_id: str):
        super().__init__(organisation_id)
        self.organisation_id = organisation_id


@dataclass(frozen=True)
class MovementPlan:
    """What a movement does: the book's entry, the child's placement afterwards, the event."""
    kind: str
    #: The institution (and group) the entry is about: where the child goes, or leaves for a withdrawal.
    organisation_id: str
    group_id: str | None
    origin: Where | None
    #: Where the child is placed afterwards; None once withdrawn.
    placement: Where | None
    event_type: str
    #: Consent holds until the child leaves the institution (IDN-04).
    ends_consents: bool


def decide_movement(caller: Caller, kind: str, current: Where | None, target: Where | None, *,
                    released: bool = False) -> MovementPlan:
    """The rules of the movement book. ``current`` is the child's placement now, ``target`` the
    group named in the order (None when none was named; for a release, the receiving institution
    with no group). ``released``: the child's institution has released him to the target's
    institution since his last placement. Raises InvalidInput or Conflict for an order that cannot
    be recorded, MovementRefused when the caller may not record it."""
    placement: Where | None
    if kind == "release":
        return _decide_release(caller, current, target)
    if kind == "withdraw":
        if current is None:
            raise Conflict("The child is not enrolled anywhere.", errors={"child_id": ["Not enrolled."]})
        organisation_id, placement = current.organisation_id, None
    else:
        if target is None:
            raise InvalidInput("A group is required.", errors={"group_id": ["Required for enrolment and transfer."]})
        if kind == "enrol":
            if current is not None:
                raise Conflict("The child is enrolled already; record a transfer.",
                               errors={"child_id": ["Already enrolled."]})
        elif current is None:
            raise Conflict("The child is not enrolled anywhere.", errors={"child_id": ["Not enrolled."]})
        elif target.group_id == current.group_id:
            raise InvalidInput("The child is in this group already.", errors={"group_id": ["Same group."]})
        # A transfer is ordered by the receiving institution; within one, by its administrator.
        organisation_id, placement = target.organisation_id, target
    # The department orders a transfer between institutions directly (IDN-07).
    between = kind == "transfer" and current is not None and current.organisation_id != organisation_id
    if not (caller.administers(organisation_id) or (between and caller.is_department)):
        raise MovementRefused(organisation_id)
    if between and not (released or caller.is_department):
        # Otherwise any administrator could take another institution's pupil, and his data (IDN-07).
        raise Conflict("The child's institution has not released him: its transfer out order comes first.",
                       errors={"child_id": ["No transfer out to your institution is recorded."]})
    left = current is not None and (placement is None or placement.organisation_id != current.organisation_id)
    return MovementPlan(kind=kind, organisation_id=organisation_id, group_id=target.group_id if target else None,
                        origin=current, placement=placement, event_type=EVENT_TYPES[kind], ends_consents=left)


def _decide_release(caller: Caller, current: Where | None, target: Where | None) -> MovementPlan:
    """The transfer out order: the child's own institution names the one that may take him in.
    Nobody moves yet; the receiving institution records the transfer in (IDN-07)."""
    if current is None:
        raise Conflict("The child is not enrolled anywhere.", errors={"child_id": ["Not enrolled."]})
    if target is None:
        raise InvalidInput("The receiving institution is required.",
                           errors={"organisation_id": ["Required for a release."]})
    if target.organisation_id == current.organisation_id:
        raise InvalidInput("A release is to another institution; within yours, record a transfer.",
                           errors={"organisation_id": ["The child's own institution."]})
    if not caller.administers(current.organisation_id):
        raise MovementRefused(current.organisation_id)
    return MovementPlan(kind="release", organisation_id=target.organisation_id, group_id=None, origin=current,
                        placement=current, event_type=EVENT_TYPES["release"], ends_consents=False)


def released_to(session: Session, child_id: str, current: Placement | None, organisation_id: str) -> bool:
    """Whether the child's institution released him to ``organisation_id`` since his last placement."""
    if current is None:
        return False
    for entry in session.scalars(select(Movement).where(Movement.child_id == child_id)
                                 .order_by(Movement.recorded_at.desc())):
        if entry.kind in PLACING_KINDS:
            return False
        if entry.from_organisation_id == current.organisation_id and entry.organisation_id == organisation_id:
            return True
    return False


def record_movement(deps: Deps, session: Session, caller: Caller, data: dict[str, Any]) -> Movement:
    if not (caller.is_department or caller.has("institution_admin")):
        # Refused before the child is looked at: the answer tells nobody whether the id exists.
        deny(deps, caller, "record_movement", "movements", not_found=False)
    child = child_of(session, data["child_id"])
    unknown = InvalidInput("Unknown child.", errors={"child_id": ["No such child."]})
    if child is None:
        raise unknown
    # One order for a child at a time (PostgreSQL: the child's row lock; SQLite writes one at a
    # time anyway): each is decided on the placement the previous one left and numbered after it.
    session.execute(select(Person.id).where(Person.id == child.id).with_for_update())
    current = session.get(Placement, child.id)
    if current is not None and not _knows(session, caller, child, current):
        raise unknown  # another institution's pupil, not released to the caller's: as a missing child
    target = _target_of(session, data)
    try:
        plan = decide_movement(caller, data["kind"],
                               Where(current.organisation_id, current.group_id) if current else None, target,
                               released=target is not None and released_to(session, child.id, current,
                                                                           target.organisation_id))
    except MovementRefused as refused:
        deny(deps, caller, "record_movement", "movements", person_id=child.id,
             organisation_id=refused.organisation_id, not_found=False)
    return apply_movement(deps, session, caller, child.id, current, plan, data)


def _knows(session: Session, caller: Caller, child: Person, current: Placement) -> bool:
    """Whether the caller may learn that this placed child exists: the department, the administration
    of his institution or of the one that registered him, or one his institution released him to."""
    if caller.is_department or caller.administers(current.organisation_id) or caller.administers(child.organisation_id):
        return True
    return any(released_to(session, child.id, current, organisation_id)
               for organisation_id in caller.organisations("institution_admin"))


def _target_of(session: Session, data: dict[str, Any]) -> Where | None:
    """The group an order names, or for a release the receiving institution."""
    if data["kind"] == "release":
        if not data.get("organisation_id"):
            return None
        institution = session.get(Organisation, data["organisation_id"])
        if institution is None or institution.kind == "department":
            raise InvalidInput("Unknown institution.", errors={"organisation_id": ["No such institution."]})
        return Where(institution.id, None)
    group = session.get(Group, data["group_id"]) if data.get("group_id") else None
    if data.get("group_id") and group is None:
        raise InvalidInput("Unknown group.", errors={"group_id": ["No such group."]})
    return Where(group.organisation_id, group.id) if group else None


def apply_movement(deps: Deps, session: Session, caller: Caller, child_id: str, current: Placement | None,
                    plan: MovementPlan, data: dict[str, Any]) -> Movement:
    movement = Movement(child_id=child_id, kind=plan.kind, organisation_id=plan.organisation_id,
                        group_id=plan.group_id,
                        from_organisation_id=plan.origin.organisation_id if plan.origin else None,
                        from_group_id=plan.origin.group_id if plan.origin else None,
                        order_number=data["order_number"], order_date=data["order_date"],
                        effective_on=data.get("effective_on") or data["order_date"],
                        recorded_by=caller.account_id, recorded_at=utcnow(),
                        sequence=1 + (session.scalar(select(func.max(Movement.sequence))
                                                     .where(Movement.child_id == child_id)) or 0))
    session.add(movement)
    if plan.kind != "release":  # a release moves nobody: the child stays placed until the transfer in
        _place(session, child_id, current, plan.placement, movement.effective_on)
    session.flush()
    deps.events.record(session, plan.event_type, {
        "movement_id": movement.id, "child_id": child_id, "organisation_id": movement.organisation_id,
        "group_id": movement.group_id, "from_organisation_id": movement.from_organisation_id,
        "from_group_id": movement.from_group_id, "order_number": movement.order_number,
        "order_date": movement.order_date, "effective_on": movement.effective_on, "sequence": movement.sequence})
    if plan.ends_consents:
        for consent in session.scalars(select(Consent).where(Consent.child_id == child_id,
                                                             Consent.status == "active")):
            end_consent(deps, session, consent, "expired", "left the institution")
    return movement


def _place(session: Session, child_id: str, current: Placement | None, placement: Where | None,
           since: date) -> None:
    if placement is None:
        session.delete(current)
    elif current is None:
        session.add(Placement(child_id=child_id, organisation_id=placement.organisation_id,
                              group_id=placement.group_id, since=since))
    else:
        current.organisation_id, current.group_id, current.since = placement.organisation_id, placement.group_id, since


def list_movements(deps: Deps, session: Session, caller: Caller, child_id: str) -> list[Movement]:
    child = child_of(session, child_id)
    where = placement_of(session, child_id) if child else None
    movements = list(session.scalars(select(Movement).where(Movement.child_id == child_id)
                                     .order_by(Movement.effective_on, Movement.recorded_at)))
    orgs = {m.organisation_id for m in movements} | {m.from_organisation_id for m in movements}
    if child is None or not (access.can_read_child(caller, child_id, where)
                             or any(caller.administers(o) for o in orgs if o)):
        deny(deps, caller, "read_movements", f"children/{child_id}/movements", person_id=child_id if child else None)
    return movements
