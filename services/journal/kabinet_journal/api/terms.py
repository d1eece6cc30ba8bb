from kabinet_kit.openapi import Blueprint

from .. import terms
from . import examples as ex
from . import schemas as s
from .common import caller, db, deps

blp = Blueprint("terms", __name__, description="Term and final marks, closing terms, statistics")


@blp.get("/loads/<uuid:load_id>/term-results")
@blp.arguments(s.TermIdQuery, location="query")
@blp.response(200, s.TermResultOut(many=True))
def term_results(query, load_id):
    """Each pupil's weighted average for the term and the term mark set."""
    return terms.term_results(db(), caller(), str(load_id), str(query["term_id"]))


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
@blp.response(200, s.TermAuditOut(many=True))
def term_audit(term_id):
    return terms.term_audit(db(), caller(), str(term_id))


@blp.get("/statistics/progress")
@blp.arguments(s.StatisticsQuery, location="query")
@blp.response(200, s.StatisticsRow(many=True))
def progress(query):
    """Progress by group × subject for a term: counts and averages, no names."""
    return terms.progress_statistics(db(), caller(), str(query["organisation_id"]), str(query["term_id"]))
