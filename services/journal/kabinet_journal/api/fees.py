from kabinet_kit.etags import ETAG_HEADER_DOC, etag_of, guarded_by_if_match, require_if_match
from kabinet_kit.openapi import Blueprint

from .. import fees
from . import examples as ex
from . import schemas_lists as sl
from . import schemas_records as r
from .common import caller, db, deps

blp = Blueprint("fees", __name__, description="Kindergarten and association day attendance and the parent fee")


def _month_sheet(group_id: str, month: str) -> dict:
    """The month's attendance sheet as a reader gets it: what its ETag is the version of."""
    return r.DayAttendanceMonth().dump(fees.day_attendance_month(db(), caller(), group_id, month))


@blp.put("/groups/<uuid:group_id>/day-attendance")
@guarded_by_if_match
@blp.arguments(r.DayAttendanceIn, example=ex.DAY_ATTENDANCE)
@blp.response(200, r.DayAttendanceOut(many=True), headers=ETAG_HEADER_DOC)
def save_day(body, group_id):
    """One day of a kindergarten group or association: present or absent with a reason; all
    entries valid or nothing written. Made over the month's sheet as read (If-Match: its ETag;
    412 with the current sheet when someone marked the month meanwhile). The answer's ETag is
    the sheet's new version."""
    group, month = str(group_id), body["date"].strftime("%Y-%m")
    saved = fees.save_day_attendance(deps(), db(), caller(), group, body,
                                     precondition=lambda: require_if_match(_month_sheet(group, month)))
    return saved, 200, {"ETag": etag_of(_month_sheet(group, month))}


@blp.get("/groups/<uuid:group_id>/day-attendance")
@blp.arguments(r.MonthQuery, location="query")
@blp.response(200, r.DayAttendanceMonth, headers=ETAG_HEADER_DOC)
def month(query, group_id):
    """The month's attendance sheet of the group; its ETag is what a day's save sends as If-Match."""
    sheet = _month_sheet(str(group_id), query["month"])
    return sheet, 200, {"ETag": etag_of(sheet)}


@blp.get("/groups/<uuid:group_id>/fees")
@blp.arguments(r.MonthQuery, location="query")
@blp.response(200, r.GroupFees)
def group_fees(query, group_id):
    """The month's parent fee of every child of the group."""
    return fees.group_fees(db(), caller(), str(group_id), query["month"])


@blp.get("/children/<uuid:child_id>/fees")
@blp.arguments(r.MonthQuery, location="query")
@blp.response(200, r.ChildFees)
def child_fees(query, child_id):
    """One child's fee for the month (their guardian, the group's staff, the administration)."""
    return fees.child_fees(db(), caller(), str(child_id), query["month"])


@blp.post("/fee-rates")
@blp.arguments(r.FeeRateIn, example=ex.FEE_RATE)
@blp.response(201, r.FeeRateOut)
def set_rate(body):
    """The daily parent fee from a date (the institution's, or a group's own); administrator."""
    return fees.set_fee_rate(db(), caller(), body)


@blp.get("/fee-rates")
@blp.arguments(sl.FeeRateListQuery, location="query")
@blp.response(200, sl.FeeRatePage)
def list_rates(query):
    """An institution's fee rates by group and date; by group."""
    return fees.list_fee_rates(db(), caller(), query)


@blp.post("/fee-exemptions")
@blp.arguments(r.ExemptionIn, example=ex.EXEMPTION)
@blp.response(201, r.ExemptionOut)
def add_exemption(body):
    """A full or partial exemption for a child, on a documented basis; administrator."""
    return fees.add_exemption(db(), caller(), body)


@blp.get("/fee-exemptions")
@blp.arguments(sl.ExemptionListQuery, location="query")
@blp.response(200, sl.ExemptionPage)
def list_exemptions(query):
    """An institution's fee exemptions by date; by child (administrator)."""
    return fees.list_exemptions(db(), caller(), query)


@blp.delete("/fee-exemptions/<uuid:exemption_id>")
@blp.response(204)
def delete_exemption(exemption_id):
    fees.delete_exemption(db(), caller(), str(exemption_id))
