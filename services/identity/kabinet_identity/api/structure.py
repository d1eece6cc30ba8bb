"""Organisations, academic years and groups."""
from sqlalchemy import select

from kabinet_kit.errors import NotFound
from kabinet_kit.openapi import Blueprint
from kabinet_kit.paging import PageQuery, page_schema, paginate

from .. import structure
from ..models import AcademicYear, Group, Organisation
from . import examples as ex
from . import schemas as s
from .common import caller, db, deps, once

blp = Blueprint("structure", __name__, description="Organisations, academic years and groups")

OrganisationPage = page_schema(s.OrganisationOut, "OrganisationPage")
AcademicYearPage = page_schema(s.AcademicYearOut, "AcademicYearPage")
GroupPage = page_schema(s.GroupOut, "GroupPage")


@blp.get("/organisations")
@blp.arguments(s.OrganisationQuery, location="query")
@blp.response(200, OrganisationPage)
def list_organisations(query):
    """The city's organisations (names of institutions are public information), by kind and parent."""
    caller()
    statement = select(Organisation)
    if query["kind"]:
        statement = statement.where(Organisation.kind == query["kind"])
    if query["parent_id"]:
        statement = statement.where(Organisation.parent_id == query["parent_id"])
    return paginate(db(), statement.order_by(Organisation.kind, Organisation.short_name, Organisation.id), query)


@blp.post("/organisations")
@once
@blp.arguments(s.OrganisationIn, example=ex.ORGANISATION)
@blp.response(201, s.OrganisationOut)
def create_organisation(body):
    """Register an institution (department officers only)."""
    return structure.create_organisation(deps(), db(), caller(), body)


@blp.get("/organisations/<uuid:organisation_id>")
@blp.response(200, s.OrganisationOut)
def get_organisation(organisation_id):
    caller()
    org = db().get(Organisation, str(organisation_id))
    if org is None:
        raise NotFound("No such organisation.")
    return org


@blp.get("/academic-years")
@blp.arguments(PageQuery, location="query")
@blp.response(200, AcademicYearPage)
def list_academic_years(query):
    caller()
    return paginate(db(), select(AcademicYear).order_by(AcademicYear.starts_on, AcademicYear.id), query)


@blp.post("/academic-years")
@once
@blp.arguments(s.AcademicYearIn, example=ex.ACADEMIC_YEAR)
@blp.response(201, s.AcademicYearOut)
def create_academic_year(body):
    """Open an academic year (department officers only)."""
    return structure.create_academic_year(deps(), db(), caller(), body)


@blp.get("/groups")
@blp.arguments(s.GroupQuery, location="query")
@blp.response(200, GroupPage)
def list_groups(query):
    """Groups the caller may see: the department all, staff their institution's or group's; by
    institution, academic year and kind."""
    who = caller()
    statement = select(Group)
    if not who.is_department:
        orgs = {g.organisation_id for g in who.grants if g.role in ("institution_admin", "deputy_director", "teacher")}
        groups = {g.group_id for g in who.grants if g.group_id}
        statement = statement.where(Group.organisation_id.in_(orgs) | Group.id.in_(groups))
    for column in ("organisation_id", "academic_year_id", "kind"):
        if query[column]:
            statement = statement.where(getattr(Group, column) == query[column])
    return paginate(db(), statement.order_by(Group.organisation_id, Group.grade_level, Group.name, Group.id), query)


@blp.post("/groups")
@once
@blp.arguments(s.GroupIn, example=ex.GROUP_IN)
@blp.response(201, s.GroupOut)
def create_group(body):
    """Form a class, kindergarten group (with age band) or association for a year."""
    return structure.create_group(deps(), db(), caller(), body)


@blp.get("/groups/<uuid:group_id>")
@blp.response(200, s.GroupOut)
def get_group(group_id):
    return structure.get_group(deps(), db(), caller(), str(group_id))
