"""Event handlers that keep this service's projections: from identity, the city's schools and
classes, pupils' placements, guardianships, accounts, roles, ``e_diary`` applications and access
codes; from the journal, the lessons conducted. Only ids and flags are kept — the personal-data
exchange (``identity.pd``) is not read at all.

Events that carry an entity's order are applied in that order (``kabinet_kit.replicas.advance``):
an older one changes nothing.
"""
from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from kabinet_kit.events import CloudEvent
from kabinet_kit.replicas import Handler, advance, as_date, copy_into, upsert

from .models import VERSIONS, Account, Group, Guardianship, Lesson, Organisation, Pupil, RoleAssignment

PURPOSE = "e_diary"

on_organisation = copy_into(Organisation, key={"id": "organisation_id"},
                            fields={"kind": "kind", "short_name": "short_name"})
on_group = copy_into(Group, key={"id": "group_id"}, fields={"organisation_id": "organisation_id", "name": "name"},
                     when=lambda d: d["kind"] == "school_class")
on_role_assigned = copy_into(RoleAssignment, key={"id": "assignment_id"},
                             fields={"account_id": "account_id", "role": "role",
                                     "organisation_id": "organisation_id", "group_id": "group_id"},
                             constants={"active": True}, ordered=(VERSIONS, "role_assignment"))


def on_role_revoked(session: Session, event: CloudEvent) -> None:
    if advance(session, VERSIONS, "role_assignment", str(event.data["assignment_id"]), event.data.get("sequence")):
        session.execute(update(RoleAssignment).where(RoleAssignment.id == event.data["assignment_id"])
                        .values(active=False))


def _account(session: Session, event: CloudEvent) -> Account | None:
    """The account row, or None when the event is older than what is held."""
    d = event.data
    if not advance(session, VERSIONS, "account", str(d["account_id"]), d.get("sequence")):
        return None
    account = session.get(Account, str(d["account_id"]))
    if account is None:  # the activation can arrive before the creation
        account = Account(id=str(d["account_id"]), person_id=str(d["person_id"]),
                          person_kind=d.get("person_kind", ""), activated=False, active=True)
        session.add(account)
    return account


def on_account_created(session: Session, event: CloudEvent) -> None:
    account = _account(session, event)
    if account is not None:
        account.person_kind = event.data["person_kind"]


def on_account_activated(session: Session, event: CloudEvent) -> None:
    account = _account(session, event)
    if account is not None:
        account.activated = True


def on_account_deactivated(session: Session, event: CloudEvent) -> None:
    account = _account(session, event)
    if account is not None:
        account.active = False
        session.execute(update(RoleAssignment).where(RoleAssignment.account_id == account.id).values(active=False))


def _pupil(session: Session, child_id: str) -> Pupil:
    pupil = session.get(Pupil, child_id)
    if pupil is None:  # a consent or a code can arrive before the enrolment
        pupil = Pupil(id=child_id, e_diary=False, code_issued=False)
        session.add(pupil)
    return pupil


def on_movement(session: Session, event: CloudEvent) -> None:
    d = event.data
    if not advance(session, VERSIONS, "movement", str(d["child_id"]), d.get("sequence")):
        return
    group = session.get(Group, str(d["group_id"])) if d.get("group_id") else None
    pupil = _pupil(session, str(d["child_id"]))
    # Withdrawn, released, or placed outside a school class: counted in no school.
    pupil.organisation_id, pupil.group_id = (group.organisation_id, group.id) if group else (None, None)


def on_guardianship(session: Session, event: CloudEvent) -> None:
    d = event.data
    if session.get(Guardianship, str(d["guardianship_id"])) is None:
        session.add(Guardianship(id=str(d["guardianship_id"]), guardian_person_id=str(d["guardian_person_id"]),
                                 child_id=str(d["child_id"])))


def on_guardianship_removed(session: Session, event: CloudEvent) -> None:
    session.execute(delete(Guardianship).where(Guardianship.id == event.data["guardianship_id"]))


def _on_consent(given: bool) -> Handler:
    def handler(session: Session, event: CloudEvent) -> None:
        d = event.data
        if d["purpose"] != PURPOSE:
            return
        if advance(session, VERSIONS, "consent", f"{d['child_id']}:{PURPOSE}", d.get("sequence"), same=given):
            _pupil(session, str(d["child_id"])).e_diary = given
    return handler


def on_access_code_issued(session: Session, event: CloudEvent) -> None:
    _pupil(session, str(event.data["child_id"])).code_issued = True


def on_lesson(session: Session, event: CloudEvent) -> None:
    d = event.data
    upsert(session, Lesson, {"id": str(d["lesson_id"])}, {
        "organisation_id": str(d["organisation_id"]), "group_id": str(d["group_id"]),
        "author_account_id": str(d["author_account_id"]), "date": as_date(d["date"]), "has_topic": d["has_topic"]})


def guardians_of(session: Session, child_ids: list[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for child_id, guardian in session.execute(select(Guardianship.child_id, Guardianship.guardian_person_id)
                                              .where(Guardianship.child_id.in_(child_ids))):
        found.setdefault(child_id, set()).add(guardian)
    return found


HANDLERS: dict[str, Handler] = {
    "identity.organisation.created.v1": on_organisation,
    "identity.group.created.v1": on_group,
    "identity.account.created.v1": on_account_created,
    "identity.account.activated.v1": on_account_activated,
    "identity.account.deactivated.v1": on_account_deactivated,
    "identity.role.assigned.v1": on_role_assigned,
    "identity.role.revoked.v1": on_role_revoked,
    "identity.child.enrolled.v1": on_movement,
    "identity.child.transferred.v1": on_movement,
    "identity.child.withdrawn.v1": on_movement,
    "identity.child.released.v1": on_movement,
    "identity.guardianship.created.v1": on_guardianship,
    "identity.guardianship.removed.v1": on_guardianship_removed,
    "identity.consent.given.v1": _on_consent(True),
    "identity.consent.revoked.v1": _on_consent(False),
    "identity.consent.expired.v1": _on_consent(False),
    "identity.access_code.issued.v1": on_access_code_issued,
    "journal.lesson.conducted.v1": on_lesson,
    "journal.lesson.updated.v1": on_lesson,
}
