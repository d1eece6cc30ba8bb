from kabinet_kit.etags import ETAG_HEADER_DOC, etag_of, guarded_by_if_match, require_if_match
from kabinet_kit.openapi import Blueprint
from kabinet_kit.paging import PageQuery

from .. import grid_view, lessons, lookups, marks
from . import examples as ex
from . import schemas as s
from . import schemas_lists as sl
from .common import caller, db, deps, once, raw_json

blp = Blueprint("lessons", __name__, description="Lessons, marks, attendance and the teacher's grid")


@blp.post("/loads/<uuid:load_id>/lessons")
@once
@blp.arguments(s.LessonIn, example=ex.LESSON_IN)
@blp.response(201, s.LessonOut)
def create_lesson(body, load_id):
    return lessons.create_lesson(deps(), db(), caller(), str(load_id), body)


@blp.get("/loads/<uuid:load_id>/lessons")
@blp.arguments(sl.LessonListQuery, location="query")
@blp.response(200, sl.LessonPage)
def list_lessons(query, load_id):
    """A load's lessons in date order; by term and dates."""
    return lessons.list_lessons(db(), caller(), str(load_id), query)


@blp.get("/lessons/<uuid:lesson_id>")
@blp.response(200, s.LessonOut)
def get_lesson(lesson_id):
    return lessons.read_lesson(db(), caller(), str(lesson_id))


@blp.patch("/lessons/<uuid:lesson_id>")
@blp.arguments(s.LessonPatch)
@blp.response(200, s.LessonOut)
def update_lesson(body, lesson_id):
    """Topic, homework, material, kind. A topic entered after the lesson's day is flagged late;
    the author of each entry is kept."""
    return lessons.update_lesson(deps(), db(), caller(), str(lesson_id), body)


@blp.delete("/lessons/<uuid:lesson_id>")
@blp.response(204)
def delete_lesson(lesson_id):
    """Remove a lesson that will not take place, while nothing is recorded in it."""
    lessons.delete_lesson(db(), caller(), str(lesson_id))


@blp.get("/loads/<uuid:load_id>/grid")
@blp.arguments(s.TermIdQuery, location="query")
@blp.response(200, s.GridOut, headers=ETAG_HEADER_DOC)
def get_grid(query, load_id):
    """The teacher's grid: one group × subject × term; its ETag is what a save sends back as If-Match."""
    document = grid_view.grid(db(), caller(), str(load_id), str(query["term_id"]))
    return raw_json(document, headers={"ETag": etag_of(document)})


@blp.post("/loads/<uuid:load_id>/grid")
@guarded_by_if_match
@blp.arguments(s.GridSave, example=ex.GRID)
@blp.arguments(s.TermIdQuery, location="query")
@blp.response(200, s.GridSaved, headers=ETAG_HEADER_DOC)
def save_grid(body, query, load_id):
    """Save many cells of one term's grid at once, over the version read (If-Match: the grid's
    ETag; 412 with the current grid when someone saved meanwhile): all valid, or nothing written
    (422 naming each bad cell). The answer's ETag is the grid's new version."""
    session, who, load, term = db(), caller(), str(load_id), str(query["term_id"])
    saved = marks.save_cells(deps(), session, who, load, body, term_id=term,
                             precondition=lambda: require_if_match(grid_view.grid(session, who, load, term)))
    return saved, 200, {"ETag": etag_of(grid_view.grid(session, who, load, term))}


@blp.post("/lessons/<uuid:lesson_id>/marks")
@blp.arguments(s.SingleMarkIn, example=ex.MARK)
@blp.response(201, s.MarkOut)
def add_mark(body, lesson_id):
    """One more mark for a pupil in a lesson (several per lesson are allowed)."""
    who = caller()  # who asks before what exists: an anonymous call learns nothing
    lesson = lookups.get_lesson(db(), str(lesson_id))
    saved = marks.save_cells(deps(), db(), who, lesson.load_id,
                             {"marks": [{**body, "lesson_id": lesson.id}]}, missing="No such lesson.")
    return saved["marks"][0]


@blp.patch("/marks/<uuid:mark_id>")
@blp.arguments(s.MarkPatch)
@blp.response(200, s.MarkOut)
def change_mark(body, mark_id):
    """Change a mark; the old value, new value, author and time are kept."""
    who = caller()
    mark = marks.get_mark(db(), str(mark_id))
    saved = marks.save_cells(deps(), db(), who, mark.load_id, {"marks": [{
        "mark_id": mark.id, "child_id": mark.child_id, "value": body["value"], "kind": body["kind"] or mark.kind}]},
        missing="No such mark.")
    return saved["marks"][0] if saved["marks"] else mark


@blp.delete("/marks/<uuid:mark_id>")
@blp.response(204)
def delete_mark(mark_id):
    who = caller()
    mark = marks.get_mark(db(), str(mark_id))
    marks.save_cells(deps(), db(), who, mark.load_id, {"deletions": [mark.id]}, missing="No such mark.")


@blp.get("/marks/<uuid:mark_id>/history")
@blp.arguments(PageQuery, location="query")
@blp.response(200, sl.MarkChangePage)
def mark_history(query, mark_id):
    """The grade audit trail of one mark, oldest first."""
    return marks.mark_history(db(), caller(), str(mark_id), query)


@blp.put("/lessons/<uuid:lesson_id>/attendance")
@blp.arguments(s.LessonAttendanceIn, example=ex.ATTENDANCE)
@blp.response(200, s.AttendanceOut(many=True))
def set_attendance(body, lesson_id):
    """Attendance of pupils at one lesson: present, late, absent_ill, absent_valid, absent_unexcused."""
    who = caller()
    lesson = lookups.get_lesson(db(), str(lesson_id))
    saved = marks.save_cells(deps(), db(), who, lesson.load_id, {"attendance": [
        {**e, "lesson_id": lesson.id} for e in body["entries"]]}, missing="No such lesson.")
    return saved["attendance"]
