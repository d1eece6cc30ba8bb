"""Organisations, academic years and groups."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow
from kabinet_kit.paging import paginate

from . import access
from .access import Caller
from .audit import audit, deny
from .deps import Deps
from .models import AcademicYear, Group, Organisation, Person, Placement

GROUP_KIND_FOR = {"school": "school_class", "kindergarten": "kindergarten_group", "supplementary": "association"}


def create_organisation(deps: Deps, session: Session, caller: Caller, data: dict) -> Organisation:
    if not caller.is_department:
        raise PermissionDenied("Only the department registers organisations.")
    if data.get("parent_id") and session.get(Organisation, data["parent_id"]) is None:
        raise InvalidInput("Unknown parent organisation.", errors={"parent_id": ["No such organisation."]})
    org = Organisation(created_at=utcnow(), **data)
    session.add(org)
    session.flush()
    deps.events.record(session, "identity.organisation.created.v1", {
        "organisation_id": org.id, "kind": org.kind, "name": org.name, "short_name": org.short_name,
        "parent_id": org.parent_id})
    return org


def create_academic_year(deps: Deps, session: Session, caller: Caller, data: dict) -> AcademicYear:
    if not caller.is_department:
        raise PermissionDenied("Only the department opens academic years.")
    if data["ends_on"] <= data["starts_on"]:
        raise InvalidInput("The year ends before it starts.", errors={"ends_on": ["Must be after starts_on."]})
    if session.scalar(select(AcademicYear).where(AcademicYear.name == data["name"])):
        raise Conflict("This academic year exists already.", errors={"name": ["Already exists."]})
    year = AcademicYear(**data)
    session.add(year)
    session.flush()
    deps.events.record(session, "identity.academic_year.created.v1", {
        "academic_year_id": year.id, "name": year.name, "starts_on": year.starts_on, "ends_on": year.ends_on})
    return year


def create_group(deps: Deps, session: Session, caller: Caller, data: dict) -> Group:
    org = session.get(Organisation, data["organisation_id"])
    if org is None or not access.can_manage_organisation(caller, org.id):
        raise NotFound("No such organisation, or it is not yours to manage.")
    if session.get(AcademicYear, data["academic_year_id"]) is None:
        raise InvalidInput("Unknown academic year.", errors={"academic_year_id": ["No such academic year."]})
    expected = GROUP_KIND_FOR.get(org.kind)
    if expected is None:
        raise InvalidInput("The department has no groups.", errors={"organisation_id": ["Not an institution."]})
    kind = data.get("kind") or expected
    if kind != expected:
        raise InvalidInput("Group kind does not fit the institution.", errors={"kind": [f"Must be {expected}."]})
    if kind == "kindergarten_group" and not data.get("age_band"):
        raise InvalidInput("A kindergarten group needs an age band.",
                           errors={"age_band": ["Required for kindergarten groups."]})
    if kind != "kindergarten_group" and data.get("age_band"):
        raise InvalidInput("Only kindergarten groups have age bands.",
                           errors={"age_band": ["Only for kindergarten groups."]})
    exists = session.scalar(select(Group).where(Group.organisation_id == org.id, Group.name == data["name"],
                                                Group.academic_year_id == data["academic_year_id"]))
    if exists:
        raise Conflict("A group with this name exists in that year.", errors={"name": ["Already exists."]})
    group = Group(organisation_id=org.id, academic_year_id=data["academic_year_id"], kind=kind, name=data["name"],
                  grade_level=data.get("grade_level"), age_band=data.get("age_band"), created_at=utcnow())
    session.add(group)
    session.flush()
    deps.events.record(session, "identity.group.created.v1", {
        "group_id": group.id, "organisation_id": group.organisation_id, "academic_year_id": group.academic_year_id,
        "kind": group.kind, "name": group.name, "grade_level": group.grade_level, "age_band": group.age_band})
    return group


def get_group(deps: Deps, session: Session, caller: Caller, group_id: str) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound("No such group.")
    if not (caller.is_department or access.can_read_group(caller, group.organisation_id, group.id)):
        deny(deps, caller, "read_group", f"groups/{group_id}", organisation_id=group.organisation_id)
    return group


def group_members(deps: Deps, session: Session, caller: Caller, group_id: str, query: dict,
                  request_id: str | None) -> dict:
    """One page of the children placed in the group; each child read on it is audited."""
    group = session.get(Group, group_id)
    if group is None or not access.can_read_group(caller, group.organisation_id, group.id):
        deny(deps, caller, "read_group_members", f"groups/{group_id}/members",
             organisation_id=group.organisation_id if group else None, request_id=request_id)
    page = paginate(session, select(Person).join(Placement, Placement.child_id == Person.id)
                    .where(Placement.group_id == group_id)
                    .order_by(Person.last_name, Person.first_name, Person.id), query)
    for child in page["items"]:
        audit(session, caller, "read_person", f"groups/{group_id}/members", person_id=child.id,
              organisation_id=group.organisation_id, request_id=request_id)
    return page
