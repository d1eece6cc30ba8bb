"""Events of the journal service (no personal data in any of them: people by id only)."""
from marshmallow import Schema, fields, validate

from .registry import REGISTRY

LESSON_KINDS = ("lesson", "practical_work", "excursion", "competition")
ATTENDANCE_STATUSES = ("present", "late", "absent_ill", "absent_valid", "absent_unexcused")
# What the public event says: whether the pupil came, never why not (an illness is health data,
# a special category under 152-FZ art. 10; the reason stays in the journal).
ATTENDANCE_EVENT_STATUSES = ("present", "late", "absent")
SCALES = ("five", "pass_fail")
TERM_KINDS = ("quarter", "half", "trimester")
FINAL_PERIODS = ("year", "final")

_LESSON = "3b0f4c1e-1d2a-4f6b-9a7c-5e8d2c1b0a91"
_LOAD = "8e1d2c3b-4a5f-4e6d-8c7b-9a0b1c2d3e4f"
_ORG = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
_GROUP = "9b2d5c1a-2f3e-4c8d-8f6a-1b2c3d4e5f60"
_SUBJECT = "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"
_CHILD = "2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d"
_ACCOUNT = "6fa459ea-ee8a-3ca4-894e-db77e160355e"
_MARK = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
_TERM = "1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b"
_YEAR = "4f1c2b1e-7a51-4a7e-9d55-000000000001"


class _Placement(Schema):
    load_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    group_id = fields.UUID(required=True)
    subject_id = fields.UUID(required=True)


class LessonRecorded(_Placement):
    lesson_id = fields.UUID(required=True)
    term_id = fields.UUID(required=True)
    date = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(LESSON_KINDS))
    has_topic = fields.Boolean(required=True)
    has_homework = fields.Boolean(required=True)
    topic_late = fields.Boolean(required=True)
    author_account_id = fields.UUID(required=True)


class MarkEvent(_Placement):
    mark_id = fields.UUID(required=True)
    lesson_id = fields.UUID(required=True)
    term_id = fields.UUID(required=True)
    child_id = fields.UUID(required=True)
    date = fields.Date(required=True)
    scale = fields.String(required=True, validate=validate.OneOf(SCALES))
    kind = fields.String(required=True)
    weight = fields.Integer(required=True)
    value = fields.String(allow_none=True, load_default=None)
    previous_value = fields.String(allow_none=True, load_default=None)
    author_account_id = fields.UUID(required=True)


class AttendanceMarked(_Placement):
    lesson_id = fields.UUID(required=True)
    term_id = fields.UUID(required=True)
    child_id = fields.UUID(required=True)
    date = fields.Date(required=True)
    status = fields.String(required=True, validate=validate.OneOf(ATTENDANCE_EVENT_STATUSES))
    # True for every kind of absence: what a notification subscriber filters on.
    absent = fields.Boolean(required=True)
    author_account_id = fields.UUID(required=True)


class TermChanged(Schema):
    term_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    academic_year_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(TERM_KINDS))
    number = fields.Integer(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    account_id = fields.UUID(required=True)


class PeriodMarkSet(_Placement):
    child_id = fields.UUID(required=True)
    period = fields.String(required=True, validate=validate.OneOf(("term",) + FINAL_PERIODS))
    term_id = fields.UUID(allow_none=True, load_default=None)
    academic_year_id = fields.UUID(required=True)
    scale = fields.String(required=True, validate=validate.OneOf(SCALES))
    value = fields.String(required=True)
    author_account_id = fields.UUID(required=True)


_placement = {"load_id": _LOAD, "organisation_id": _ORG, "group_id": _GROUP, "subject_id": _SUBJECT}
_lesson = {**_placement, "lesson_id": _LESSON, "term_id": _TERM, "date": "2026-09-14", "kind": "lesson",
           "has_topic": True, "has_homework": True, "topic_late": False, "author_account_id": _ACCOUNT}
_mark = {**_placement, "mark_id": _MARK, "lesson_id": _LESSON, "term_id": _TERM, "child_id": _CHILD,
         "date": "2026-09-14", "scale": "five", "kind": "oral", "weight": 1, "value": "5", "previous_value": None,
         "author_account_id": _ACCOUNT}
_term = {"term_id": _TERM, "organisation_id": _ORG, "academic_year_id": _YEAR, "kind": "quarter", "number": 1,
         "starts_on": "2026-09-01", "ends_on": "2026-10-25", "account_id": _ACCOUNT}
_period_mark = {**_placement, "child_id": _CHILD, "period": "term", "term_id": _TERM, "academic_year_id": _YEAR,
                "scale": "five", "value": "4", "author_account_id": _ACCOUNT}

r = REGISTRY.register
r("journal.lesson.conducted.v1", LessonRecorded, _lesson,
  "A lesson's topic was entered for the first time (the lesson is conducted); topic_late when entered after "
  "the lesson's day (seed 004 §3.2).", subject_field="lesson_id")
r("journal.lesson.updated.v1", LessonRecorded, _lesson,
  "A conducted lesson's topic, homework, material or kind changed.", subject_field="lesson_id")
r("journal.mark.recorded.v1", MarkEvent, _mark, "A mark was given to a pupil for a lesson.", subject_field="mark_id")
r("journal.mark.changed.v1", MarkEvent, {**_mark, "value": "4", "previous_value": "5"},
  "A mark's value or kind was changed (previous_value is the old value).", subject_field="mark_id")
r("journal.mark.deleted.v1", MarkEvent, {**_mark, "value": None, "previous_value": "5"},
  "A mark was deleted.", subject_field="mark_id")
# v1 (withdrawn, docs/events.md) carried the reason of an absence, absent_ill among them.
r("journal.attendance.marked.v2", AttendanceMarked,
  {**_placement, "lesson_id": _LESSON, "term_id": _TERM, "child_id": _CHILD, "date": "2026-09-14",
   "status": "absent", "absent": True, "author_account_id": _ACCOUNT},
  "A pupil's attendance at a lesson was recorded or changed: present, late or absent, never the reason "
  "of an absence; absent=true lets a subscriber notify the guardians (it looks them up itself: no "
  "personal data here).", subject_field="lesson_id")
r("journal.term.closed.v1", TermChanged, _term, "A term was closed: its marks are locked.", subject_field="term_id")
r("journal.term.reopened.v1", TermChanged, _term, "An administrator reopened a closed term.", subject_field="term_id")
r("journal.term_mark.set.v1", PeriodMarkSet, _period_mark, "A pupil's term mark (interim attestation) was set.",
  subject_field="child_id")
r("journal.final_mark.set.v1", PeriodMarkSet, {**_period_mark, "period": "year", "term_id": None},
  "A pupil's year mark or final attestation mark was set.", subject_field="child_id")
del r


# -- year closing (issue 4, part two) -------------------------------------------------------
class YearClosed(Schema):
    organisation_id = fields.UUID(required=True)
    academic_year_id = fields.UUID(required=True)
    terms_closed = fields.Integer(required=True)
    year_marks_computed = fields.Integer(required=True)
    year_marks_kept = fields.Integer(required=True)
    pupils_without_term_marks = fields.Integer(required=True)
    account_id = fields.UUID(required=True)


REGISTRY.register(
    "journal.year.closed.v1", YearClosed,
    {"organisation_id": _ORG, "academic_year_id": _YEAR, "terms_closed": 1, "year_marks_computed": 412,
     "year_marks_kept": 3, "pupils_without_term_marks": 2, "account_id": _ACCOUNT},
    "An institution's academic year was closed: its terms are locked, year marks were computed from the term "
    "marks (journal.final_mark.set.v1 each), and the year's journal is frozen.", subject_field="academic_year_id")
