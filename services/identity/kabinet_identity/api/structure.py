"""Organisations, academic years and groups."""
from sqlalchemy import func, select

from kabinet_kit.errors import NotFound
from kabinet_kit.openapi import Blueprint

from .. import structure
from ..models import AcademicYear, Group, Organisation
from . import examples as ex
from . import schemas as s
from .common import caller, db, deps, once, paged

blp = Blueprint("structure", __name__, description="Organisations, academic years and groups")

OrganisationPage = paged(s.OrganisationOut, "OrganisationPage")
GroupPage = paged(s.GroupOut, "GroupPage")


def _page(query, order, limit, offset):
    session = db()
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(query.order_by(*order).limit(limit).offset(offset)).all()
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@blp.get("/organisations")
@blp.arguments(s.PageQuery, location="query")
@blp.response(200, OrganisationPage)
def list_organisations(query):
    """The city's organisations (names of institutions are public information)."""
    caller()
    return _page(select(Organisation), (Organisation.kind, Organisation.short_name), query["limit"], query["offset"])


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
@blp.response(200, s.AcademicYearOut(many=True))
def list_academic_years():
    caller()
    return db().scalars(select(AcademicYear).order_by(AcademicYear.starts_on)).all()


@blp.post("/academic-years")
@once
@blp.arguments(s.AcademicYearIn, example=ex.ACADEMIC_YEAR)
@blp.response(201, s.AcademicYearOut)
def create_academic_year(body):
    """Open an academic year (department officers only)."""
    return structure.create_academic_year(deps(), db(), caller(), body)


@blp.get("/groups")
@blp.arguments(s.GroupQuery, location="query")
@blp.arguments(s.PageQuery, location="query")
@blp.response(200, GroupPage)
def list_groups(filters, page):
    """Groups the caller may see: the department all, staff their institution's or group's."""
    who = caller()
    query = select(Group)
    if not who.is_department:
        orgs = {g.organisation_id for g in who.grants if g.role in ("institution_admin", "deputy_director", "teacher")}
        groups = {g.group_id for g in who.grants if g.group_id}
        query = query.where(Group.organisation_id.in_(orgs) | Group.id.in_(groups))
    if filters["organisation_id"]:
        query = query.where(Group.organisation_id == filters["organisation_id"])
    if filters["academic_year_id"]:
        query = query.where(Group.academic_year_id == filters["academic_year_id"])
    return _page(query, (Group.organisation_id, Group.grade_level, Group.name), page["limit"], page["offset"])


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
