from kabinet_kit.openapi import Blueprint
from kabinet_kit.paging import PageQuery, page_list

from .. import terms
from . import examples as ex
from . import schemas as s
from . import schemas_lists as sl
from .common import caller, db, deps

blp = Blueprint("terms", __name__, description="Term and final marks, closing terms, statistics")


@blp.get("/loads/<uuid:load_id>/term-results")
@blp.arguments(sl.TermResultsQuery, location="query")
@blp.response(200, sl.TermResultPage)
def term_results(query, load_id):
    """Each pupil's weighted average for the term, the term mark, and the year and final marks."""
    rows = terms.term_results(db(), caller(), str(load_id), str(query["term_id"]))
    child = str(query["child_id"]) if query["child_id"] else None
    return page_list([row for row in rows if child in (None, row["child_id"])], query)


@blp.put("/loads/<uuid:load_id>/period-marks")
@blp.arguments(s.PeriodMarksIn, example=ex.PERIOD_MARKS)
@blp.response(200, s.PeriodMarkOut(many=True))
def set_period_marks(body, load_id):
    """Term marks (interim attestation), year marks and final attestation marks."""
    return terms.set_period_marks(deps(), db(), caller(), str(load_id), body)


@blp.post("/terms/<uuid:term_id>/close")
@blp.response(200, s.TermOut)
def close_term(term_id):
    """Close a term: its marks are locked (administrator or deputy director)."""
    return terms.close_term(deps(), db(), caller(), str(term_id))


@blp.post("/terms/<uuid:term_id>/reopen")
@blp.arguments(s.ReopenIn, example=ex.REOPEN)
@blp.response(200, s.TermOut)
def reopen_term(body, term_id):
    """Reopen a closed term (administrator only; the reason is kept)."""
    return terms.reopen_term(deps(), db(), caller(), str(term_id), body["reason"])


@blp.get("/terms/<uuid:term_id>/audit")
@blp.arguments(PageQuery, location="query")
@blp.response(200, sl.TermAuditPage)
def term_audit(query, term_id):
    """Closings and reopenings of a term, oldest first."""
    return terms.term_audit(db(), caller(), str(term_id), query)


@blp.get("/statistics/progress")
@blp.arguments(sl.StatisticsListQuery, location="query")
@blp.response(200, sl.StatisticsPage)
def progress(query):
    """Progress by group × subject for a term: counts and averages, no names; by group, subject."""
    rows = terms.progress_statistics(db(), caller(), str(query["organisation_id"]), str(query["term_id"]),
                                     group_id=str(query["group_id"]) if query["group_id"] else None,
                                     subject_id=str(query["subject_id"]) if query["subject_id"] else None)
    return page_list(rows, query)
