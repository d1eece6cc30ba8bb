"""The caller's own first-screen reads (by their assignments only)."""
from marshmallow import fields

from kabinet_kit.openapi import Blueprint
from kabinet_kit.schemas import Schema

from .. import today
from .common import caller, db, deps

blp = Blueprint("me", __name__, description="The caller's day in the journal, for a first screen")


class TodayLesson(Schema):
    lesson_id = fields.String()
    load_id = fields.String()
    group_id = fields.String()
    group = fields.String()
    organisation_id = fields.String()
    subject = fields.String()
    period = fields.Integer(allow_none=True)
    kind = fields.String()
    topic = fields.String(allow_none=True)
    substitution = fields.Boolean(metadata={"description": "Given today in a colleague's stead."})
    attendance_entered = fields.Integer(metadata={"description": "Attendance entries recorded in the lesson."})
    marks_entered = fields.Integer()
    missing = fields.List(fields.String(), metadata={"description": "What the lesson still lacks, of "
                                                                     "topic, attendance, marks."})


class Unfinished(Schema):
    lessons_without_topic = fields.Integer()
    lessons_without_attendance = fields.Integer()
    late_topics = fields.Integer()


class TutoredClass(Schema):
    group_id = fields.String()
    group = fields.String()
    organisation_id = fields.String()
    pupils = fields.Integer(metadata={"description": "Pupils in the class today."})
    lessons_today = fields.Integer()
    absent_today = fields.Integer(metadata={"description": "Pupils absent from at least one lesson today."})
    term_id = fields.String(allow_none=True)
    unfinished = fields.Nested(Unfinished, metadata={"description": "The current term's lessons whose day is "
                                                                    "over, without topic or attendance."})


class ControlCounts(Schema):
    lessons = fields.Integer()
    lessons_due = fields.Integer()
    without_topic = fields.Integer()
    late_topics = fields.Integer()
    without_attendance = fields.Integer()
    pupils_without_marks = fields.Integer()


class CityInstitution(ControlCounts):
    organisation_id = fields.String()
    name = fields.String()


class CityControl(Schema):
    month = fields.String()
    counted_until = fields.String(allow_none=True)
    institutions = fields.List(fields.Nested(CityInstitution))
    totals = fields.Nested(ControlCounts)


class TodayOut(Schema):
    date = fields.Date()
    lessons = fields.List(fields.Nested(TodayLesson), metadata={"description": "The caller's lessons today "
                                                                                "(own loads and substitutions)."})
    classes = fields.List(fields.Nested(TutoredClass), metadata={"description": "The classes the caller tutors."})
    city = fields.Nested(CityControl, allow_none=True, metadata={
        "description": "The department: the month's control figures per institution (no names)."})


@blp.get("/me/today")
@blp.response(200, TodayOut)
def my_today():
    """The caller's day: today's lessons and what each still lacks (teacher), the tutored classes
    (pupils, today's absences, unfinished lessons of the term), the city's control figures (department)."""
    return today.my_today(deps(), db(), caller())
