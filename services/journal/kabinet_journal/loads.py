"""Teaching loads (a group's subject and its teacher) and the colleagues who substitute."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput
from kabinet_kit.paging import page_list

from . import access
from .access import MANAGERS, Caller, LoadFacts
from .lookups import readable_load, require_manager
from .models import Account, Group, RoleAssignment, Subject, Substitution, TeachingLoad, TimetableSlot


def _teacher_account(session: Session, account_id: str, organisation_id: str, field: str) -> None:
    account = session.get(Account, account_id)
    teaches = session.scalar(select(RoleAssignment.id).where(
        RoleAssignment.account_id == account_id, RoleAssignment.role == "teacher",
        RoleAssignment.organisation_id == organisation_id))
    if account is None or not account.active or not teaches:
        raise InvalidInput("Not a teacher of this institution.", errors={field: ["Not a teacher of this institution."]})


STAFF = (*MANAGERS, "teacher")  # posts over the whole institution


def create_load(session: Session, caller: Caller, data: dict) -> TeachingLoad:
    group = session.get(Group, str(data["group_id"]))
    if group is None or not (caller.is_department or group.organisation_id in caller.organisations(*STAFF)
                             or group.id in caller.groups()):
        # A group the caller's posts do not reach (another institution's; another group for a
        # group's own staff; any for a pupil or a guardian) is answered as a missing one
        # (issue 11: no existence oracle).
        raise InvalidInput("Unknown group.", errors={"group_id": ["No such group."]})
    require_manager(caller, group.organisation_id)
    subject = session.get(Subject, str(data["subject_id"]))
    if subject is None or subject.organisation_id != group.organisation_id:
        raise InvalidInput("Unknown subject.", errors={"subject_id": ["Not a subject of this institution."]})
    _teacher_account(session, str(data["teacher_account_id"]), group.organisation_id, "teacher_account_id")
    if session.scalar(select(TeachingLoad.id).where(TeachingLoad.group_id == group.id,
                                                    TeachingLoad.subject_id == subject.id)):
        raise Conflict("This group has this subject in a teaching load already.",
                       errors={"subject_id": ["Already in the group's load."]})
    load = TeachingLoad(organisation_id=group.organisation_id, academic_year_id=group.academic_year_id,
                        group_id=group.id, subject_id=subject.id, teacher_account_id=str(data["teacher_account_id"]),
                        scale=data["scale"])
    session.add(load)
    session.flush()
    return load


def change_load_teacher(session: Session, caller: Caller, load_id: str, teacher_account_id: str) -> TeachingLoad:
    load, _ = readable_load(session, caller, load_id)  # another institution's load: as a missing one
    require_manager(caller, load.organisation_id)
    _teacher_account(session, teacher_account_id, load.organisation_id, "teacher_account_id")
    load.teacher_account_id = teacher_account_id
    # The timetable's slots follow the load to its new teacher.
    session.execute(update(TimetableSlot).where(TimetableSlot.load_id == load.id)
                    .values(teacher_account_id=teacher_account_id))
    return load


def readable_load_ids(session: Session, caller: Caller, loads: Sequence[TeachingLoad]) -> set[str]:
    """Ids of the loads the caller may read, with the substitutions of all of them in one query."""
    subs: dict[str, list] = {}
    if loads:
        for load_id, account, start, end in session.execute(
                select(Substitution.load_id, Substitution.account_id, Substitution.starts_on, Substitution.ends_on)
                .where(Substitution.load_id.in_({ld.id for ld in loads}))):
            subs.setdefault(load_id, []).append((account, start, end))
    return {load.id for load in loads if access.can_read_load(caller, LoadFacts(
        load.organisation_id, load.group_id, load.teacher_account_id, tuple(subs.get(load.id, ()))))}


def list_loads(session: Session, caller: Caller, filters: dict[str, Any]) -> dict[str, Any]:
    """One page of the loads the caller may read (``mine``: those they teach or substitute)."""
    substituted = select(Substitution.load_id).where(Substitution.account_id == caller.account_id)
    if filters.get("mine"):
        query = select(TeachingLoad).where(or_(TeachingLoad.teacher_account_id == caller.account_id,
                                               TeachingLoad.id.in_(substituted)))
    else:
        # Only the caller's institutions (and loads substituted elsewhere) can hold readable loads.
        organisations = {g.organisation_id for g in caller.grants if g.organisation_id}
        query = select(TeachingLoad).where(or_(TeachingLoad.organisation_id.in_(organisations),
                                               TeachingLoad.id.in_(substituted)))
    for name in ("group_id", "subject_id", "teacher_account_id", "academic_year_id"):
        if filters.get(name):
            query = query.where(getattr(TeachingLoad, name) == str(filters[name]))
    loads = session.scalars(query.order_by(TeachingLoad.group_id, TeachingLoad.subject_id, TeachingLoad.id)).all()
    # Readability is decided per load by the rules (tutors, substitutes, managers): bounded by the
    # caller's institutions, the page is cut after it.
    readable = readable_load_ids(session, caller, loads)
    return page_list([load for load in loads if load.id in readable], filters)


def add_substitution(session: Session, caller: Caller, load_id: str, data: dict) -> Substitution:
    load, _ = readable_load(session, caller, load_id)  # another institution's load: as a missing one
    require_manager(caller, load.organisation_id)
    _teacher_account(session, str(data["account_id"]), load.organisation_id, "account_id")
    if data["ends_on"] < data["starts_on"]:
        raise InvalidInput("Ends before it starts.", errors={"ends_on": ["Ends before it starts."]})
    sub = Substitution(load_id=load.id, account_id=str(data["account_id"]), starts_on=data["starts_on"],
                       ends_on=data["ends_on"], created_by=caller.account_id)
    session.add(sub)
    session.flush()
    return sub
