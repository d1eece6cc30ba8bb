from kabinet_kit.openapi import Blueprint

from .. import diary
from . import schemas as s
from .common import caller, db, deps, raw_json

blp = Blueprint("diary", __name__, description="The diary of a pupil, for the pupil and their guardians")


@blp.get("/diary/<uuid:child_id>/summary")
@blp.response(200, s.DiarySummary)
def summary(child_id):
    """Latest marks, homework due and this term's attendance (the gateway's home screen part)."""
    return raw_json(diary.summary(deps(), db(), caller(), str(child_id)))


@blp.get("/diary/<uuid:child_id>")
@blp.arguments(s.OptionalTermQuery, location="query")
@blp.response(200, s.TermDiary)
def term_diary(query, child_id):
    """A term of the diary by subject: marks, averages, term marks, homework, absences."""
    return raw_json(diary.term_diary(deps(), db(), caller(), str(child_id),
                                     str(query["term_id"]) if query["term_id"] else None))
