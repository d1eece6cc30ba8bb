from kabinet_kit.openapi import Blueprint

from .. import control, yearend
from . import examples as ex
from . import schemas_records as r
from .common import caller, db, deps, raw_json

blp = Blueprint("control", __name__, description="Control of the journal's keeping, and closing the year")


@blp.get("/control/completeness")
@blp.arguments(r.ControlQuery, location="query")
@blp.response(200, r.ControlReport)
def completeness(query):
    """A month's completeness per teacher, group and institution (administration); figures
    without names for the department."""
    return raw_json(control.completeness(deps(), db(), caller(), str(query["organisation_id"]), query["month"]))


@blp.post("/years/<uuid:academic_year_id>/close")
@blp.arguments(r.YearCloseIn, example=ex.YEAR_CLOSE)
@blp.response(200, r.YearReport)
def close_year(body, academic_year_id):
    """Close the institution's academic year (administrator, once): closes its terms, computes
    year marks from the term marks, freezes the year."""
    return yearend.close_year(deps(), db(), caller(), str(body["organisation_id"]), str(academic_year_id))


@blp.get("/years/<uuid:academic_year_id>/closing")
@blp.arguments(r.YearCloseIn, location="query")
@blp.response(200, r.YearReport)
def year_report(query, academic_year_id):
    """The closing and where each group's pupils went (as identity moved them), in figures."""
    return yearend.year_report(db(), caller(), str(query["organisation_id"]), str(academic_year_id))
