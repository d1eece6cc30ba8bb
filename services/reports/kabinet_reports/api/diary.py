"""The diary-introduction report (seed 002, annex 3): the department's schedule of report dates,
a school's report, the city's, and what a school enters itself."""
from __future__ import annotations

from typing import Any

from kabinet_kit.etags import etag_of, guarded_by_if_match, require_if_match
from kabinet_kit.openapi import Blueprint

from .. import introduction
from ..access import require_department, require_school_writer
from . import schemas as s
from .common import caller, db, today

blp = Blueprint("diary", __name__, description="The diary-introduction report (seed 002, annex 3)")


@blp.get("/diary/schedule")
@blp.response(200, s.ScheduleOut)
def read_schedule() -> Any:
    """The report dates the department set, and which are frozen."""
    body = introduction.read_schedule(db(), caller())
    return body, 200, {"ETag": etag_of(body)}


@blp.put("/diary/schedule")
@guarded_by_if_match
@blp.arguments(s.ScheduleIn)
@blp.response(200, s.ScheduleOut)
def set_schedule(body: dict[str, Any]) -> Any:
    """Set the report dates (the department only). A frozen date stays; a new one is not in the past."""
    who = caller()
    require_department(who)
    require_if_match(introduction.schedule(db()))
    saved = introduction.set_schedule(db(), who, body, today())
    return saved, 200, {"ETag": etag_of(saved)}


@blp.get("/diary/city/report")
@blp.arguments(s.ReportQuery, location="query")
@blp.response(200, s.CityReport)
def city(query: dict[str, Any]) -> Any:
    """Every school's figures and the city's totals on a report date (the department only)."""
    return introduction.city_report(db(), caller(), query["on"], today())


@blp.get("/diary/schools/<uuid:organisation_id>/report")
@blp.arguments(s.ReportQuery, location="query")
@blp.response(200, s.SchoolReport)
def school(query: dict[str, Any], organisation_id: Any) -> Any:
    """A school's report on a report date: frozen once the date has come, a draft before."""
    return introduction.school_report(db(), caller(), str(organisation_id), query["on"], today())


@blp.get("/diary/schools/<uuid:organisation_id>/entries")
@blp.response(200, s.EntriesDoc)
def read_entries(organisation_id: Any) -> Any:
    """What the school entered itself for its next report."""
    body = introduction.read_entries(db(), caller(), str(organisation_id))
    return body, 200, {"ETag": etag_of(body)}


@blp.put("/diary/schools/<uuid:organisation_id>/entries")
@guarded_by_if_match
@blp.arguments(s.EntriesDoc)
@blp.response(200, s.EntriesDoc)
def save_entries(body: dict[str, Any], organisation_id: Any) -> Any:
    """Replace what the school enters itself (its administrator only); reports already frozen keep theirs."""
    org, who = str(organisation_id), caller()
    current = introduction.read_entries(db(), who, org)
    require_school_writer(who, org)
    require_if_match(current)
    saved = introduction.save_entries(db(), who, org, body)
    return saved, 200, {"ETag": etag_of(saved)}
