"""What the journal knows of identity, kept up to date from identity's events.

Each handler runs in the consumer's transaction together with the processed-event record,
so a redelivered event is never applied twice. Rules for personal data (JRN-11):
children's names are kept only while the child is enrolled (erased on withdrawal), guardians'
names are never stored, and a guardian's diary access lives only as long as the ``e_diary``
consent row it depends on (deleted when the consent is revoked or expires).

Events about one entity are applied in its order (the events' ``sequence``,
``kabinet_kit.replicas.advance``): a retried event that arrives after a later change of the same
consent, role assignment, account, guardian link, child's placement or person record changes
nothing it should not — a late grant never undoes a revocation, a late enrolment never undoes
the transfer that followed it (it only fills in the stay before it), a late name never replaces a
newer one or comes back after an erasure.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kabinet_kit.events import CloudEvent
from kabinet_kit.replicas import (
    ACCOUNT_ENTITY,
    Handler,
    advance,
    as_date,
    copy_into,
    forget,
    forgotten,
    role_assignment_handlers,
    upsert,
)

from .models import (
    VERSIONS,
    AcademicYear,
    Account,
    Consent,
    Group,
    Guardianship,
    Membership,
    Organisation,
    PersonName,
    RoleAssignment,
)

CONSENT = "consent"  # keyed by child × purpose: one order across the consents given for it
ACCOUNT = ACCOUNT_ENTITY  # keyed by account id: one order with the deactivations
GUARDIANSHIP = "guardianship"  # keyed by the link's id
PLACEMENT = "placement"  # keyed by child id: the order of the child's movement book
PERSON = "person"  # keyed by person id: the version of the record; forgotten once erased

organisation_created = copy_into(Organisation, key={"id": "organisation_id"}, fields={
    "kind": "kind", "name": "name", "short_name": "short_name", "parent_id": "parent_id"})
academic_year_created = copy_into(AcademicYear, key={"id": "academic_year_id"}, fields={
    "name": "name", "starts_on": "starts_on", "ends_on": "ends_on"}, dates=("starts_on", "ends_on"))
group_created = copy_into(Group, key={"id": "group_id"}, fields={
    "organisation_id": "organisation_id", "academic_year_id": "academic_year_id", "kind": "kind", "name": "name",
    "grade_level": "grade_level", "age_band": "age_band"})
guardianship_created = copy_into(Guardianship, key={"id": "guardianship_id"}, fields={
    "guardian_person_id": "guardian_person_id", "child_id": "child_id"}, ordered=(VERSIONS, GUARDIANSHIP))


def guardianship_removed(session: Session, event: CloudEvent) -> None:
    # The institution removed the link: the guardian no longer sees the child here. By the link's
    # id, so that a late removal of an earlier link leaves a newer one in place.
    if not advance(session, VERSIONS, GUARDIANSHIP, str(event.data["guardianship_id"]), event.data.get("sequence")):
        return
    session.execute(delete(Guardianship).where(Guardianship.id == event.data["guardianship_id"]))


def account_created(session: Session, event: CloudEvent) -> None:
    d = event.data
    newer = advance(session, VERSIONS, ACCOUNT, str(d["account_id"]), d.get("sequence"))
    facts = {"person_id": d["person_id"], "person_kind": d["person_kind"], "organisation_id": d["organisation_id"]}
    account = session.get(Account, d["account_id"])
    if account is None:
        # Whose tasks and documents these are stays known in any order; but an older creation
        # than what is held can only follow the deactivation (the one later change applied here
        # without the row), so the account comes in inactive.
        session.add(Account(id=d["account_id"], active=newer, **facts))
        return
    for name, value in facts.items():
        setattr(account, name, value)
    if newer:
        account.active = True


def _account_ended(session: Session, account_id: str) -> None:
    # Employment ended (JRN-02): the account keeps no access to the journal.
    session.execute(update(Account).where(Account.id == account_id).values(active=False))


# Revoked roles are deleted: nothing in the journal refers to an assignment.
ROLE_HANDLERS = role_assignment_handlers(RoleAssignment, VERSIONS, {
    "account_id": "account_id", "role": "role", "organisation_id": "organisation_id", "group_id": "group_id"},
    soft=False, on_deactivated=_account_ended)


def _close_open(session: Session, child_id: str, effective_on: date) -> None:
    # The stay ends the day before the order takes effect; a stay that had not begun yet vanishes.
    for stay in session.scalars(select(Membership).where(Membership.child_id == child_id,
                                                         Membership.ends_on.is_(None))):
        if stay.starts_on >= effective_on:
            session.delete(stay)
        else:
            stay.ends_on = effective_on - timedelta(days=1)


def _end_before(session: Session, child_id: str, day: date) -> None:
    # A late entry of the book: the stay under way on that day ended the day before.
    for stay in session.scalars(select(Membership).where(
            Membership.child_id == child_id, Membership.starts_on < day,
            (Membership.ends_on.is_(None)) | (Membership.ends_on >= day))):
        stay.ends_on = day - timedelta(days=1)


def _past_stay(session: Session, d: dict[str, Any], starts_on: date) -> None:
    """A placement older than the one held: its stay goes into the history, up to the start of
    the next stay known; the present placement is left as it is."""
    next_start = session.scalar(select(func.min(Membership.starts_on)).where(
        Membership.child_id == d["child_id"], Membership.starts_on > starts_on))
    if next_start is None:
        return  # what followed was a withdrawal, whose day is not known here: no end to give it
    _end_before(session, d["child_id"], starts_on)
    session.add(Membership(child_id=d["child_id"], organisation_id=d["organisation_id"], group_id=d["group_id"],
                           starts_on=starts_on, ends_on=next_start - timedelta(days=1)))


def _placement_is_newer(session: Session, d: dict[str, Any]) -> bool:
    return advance(session, VERSIONS, PLACEMENT, str(d["child_id"]), d.get("sequence"))


def child_enrolled(session: Session, event: CloudEvent) -> None:
    d = event.data
    effective_on = cast(date, as_date(d["effective_on"]))  # required by the contract
    if not _placement_is_newer(session, d):
        _past_stay(session, d, effective_on)
        return
    _close_open(session, d["child_id"], effective_on)
    session.add(Membership(child_id=d["child_id"], organisation_id=d["organisation_id"], group_id=d["group_id"],
                           starts_on=effective_on))


def child_transferred(session: Session, event: CloudEvent) -> None:
    child_enrolled(session, event)


def child_withdrawn(session: Session, event: CloudEvent) -> None:
    d = event.data
    if not _placement_is_newer(session, d):
        # Enrolled again since: the stay of that time ends, the name and consents of now stay.
        _end_before(session, d["child_id"], cast(date, as_date(d["effective_on"])))
        return
    _close_open(session, d["child_id"], cast(date, as_date(d["effective_on"])))
    # The child has left: the journal keeps the marks (the school's record) under the child's
    # id, but no longer the name.
    session.execute(delete(PersonName).where(PersonName.person_id == d["child_id"]))
    session.execute(delete(Consent).where(Consent.child_id == d["child_id"]))


def _consent_is_newer(session: Session, d: dict[str, Any]) -> bool:
    return advance(session, VERSIONS, CONSENT, f"{d['child_id']}:{d['purpose']}", d.get("sequence"))


def consent_given(session: Session, event: CloudEvent) -> None:
    d = event.data
    if not _consent_is_newer(session, d):
        return  # revoked (or replaced) since: the late grant must not bring the consent back
    upsert(session, Consent, {"child_id": d["child_id"], "purpose": d["purpose"]}, {"consent_id": d["consent_id"]})


def consent_ended(session: Session, event: CloudEvent) -> None:
    d = event.data
    if not _consent_is_newer(session, d):
        return
    # Only the consent this event ends: a newer one given since stays in force.
    session.execute(delete(Consent).where(Consent.child_id == d["child_id"], Consent.purpose == d["purpose"],
                                          Consent.consent_id == d["consent_id"]))


def _enrolled_or_unplaced(session: Session, child_id: str) -> bool:
    stays = session.execute(select(Membership.ends_on).where(Membership.child_id == child_id)).scalars().all()
    # A child is registered just before the enrolment order: keep the name for what follows.
    return not stays or any(end is None for end in stays)


def person_registered(session: Session, event: CloudEvent) -> None:
    d = event.data
    if forgotten(session, VERSIONS, PERSON, str(d["person_id"])):
        return  # erased: a late copy of an earlier record brings nothing back (IDN-08)
    if d["kind"] == "guardian":
        return  # the journal has no use for guardians' names
    if d["kind"] == "child" and not _enrolled_or_unplaced(session, d["person_id"]):
        return
    # A disclosure repeats the record's current version: as new as the one it repeats.
    if not advance(session, VERSIONS, PERSON, str(d["person_id"]), d.get("sequence"), same=True):
        return
    _upsert_name(session, d)


def person_updated(session: Session, event: CloudEvent) -> None:
    person_registered(session, event)


def _upsert_name(session: Session, d: dict[str, Any]) -> None:
    upsert(session, PersonName, {"person_id": d["person_id"]}, {
        "kind": d["kind"], "last_name": d["last_name"], "first_name": d["first_name"], "middle_name": d["middle_name"]})


def person_erased(session: Session, event: CloudEvent) -> None:
    # Only the id stays, in the records that refer to the person (marks, memberships, accounts).
    session.execute(delete(PersonName).where(PersonName.person_id == event.data["person_id"]))
    forget(session, VERSIONS, PERSON, str(event.data["person_id"]))


HANDLERS: dict[str, Handler] = {
    "identity.organisation.created.v1": organisation_created,
    "identity.academic_year.created.v1": academic_year_created,
    "identity.group.created.v1": group_created,
    "identity.account.created.v1": account_created,
    **ROLE_HANDLERS,
    "identity.child.enrolled.v1": child_enrolled,
    "identity.child.transferred.v1": child_transferred,
    "identity.child.withdrawn.v1": child_withdrawn,
    "identity.guardianship.created.v1": guardianship_created,
    "identity.guardianship.removed.v1": guardianship_removed,
    "identity.consent.given.v1": consent_given,
    "identity.consent.revoked.v1": consent_ended,
    "identity.consent.expired.v1": consent_ended,
    "identity.person.registered.v1": person_registered,
    "identity.person.updated.v1": person_updated,
    # Given on consent: the same record, kept under the same enrolment rule.
    "identity.person.disclosed.v1": person_updated,
    "identity.person.erased.v1": person_erased,
}
