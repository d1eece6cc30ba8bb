"""Request and response bodies (marshmallow), documented in /openapi.json."""
from __future__ import annotations

from marshmallow import fields, validate

from kabinet_contracts.journal import ATTENDANCE_STATUSES, LESSON_KINDS, SCALES, TERM_KINDS
from kabinet_kit.schemas import Schema


class TermIn(Schema):
    organisation_id = fields.UUID(required=True)
    academic_year_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(TERM_KINDS))
    number = fields.Integer(required=True, validate=validate.Range(min=1))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class TermOut(Schema):
    id = fields.String()
    organisation_id = fields.String()
    academic_year_id = fields.String()
    kind = fields.String()
    number = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date()
    closed_at = fields.AwareDateTime(allow_none=True)
    closed_by = fields.String(allow_none=True)


class ReopenIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class TermAuditOut(Schema):
    action = fields.String()
    account_id = fields.String()
    reason = fields.String(allow_none=True)
    at = fields.AwareDateTime()


class HolidayIn(Schema):
    organisation_id = fields.UUID(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class HolidayOut(Schema):
    id = fields.String()
    organisation_id = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    name = fields.String()


class SubjectIn(Schema):
    organisation_id = fields.UUID(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class SubjectOut(Schema):
    id = fields.String()
    organisation_id = fields.String()
    name = fields.String()


class CurriculumIn(Schema):
    organisation_id = fields.UUID(required=True)
    academic_year_id = fields.UUID(required=True)
    grade_level = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=12))
    subject_id = fields.UUID(required=True)
    hours = fields.Integer(required=True, validate=validate.Range(min=1, max=2000))


class CurriculumOut(Schema):
    id = fields.String()
    organisation_id = fields.String()
    academic_year_id = fields.String()
    grade_level = fields.Integer(allow_none=True)
    subject_id = fields.String()
    hours = fields.Integer()


class MarkKindIn(Schema):
    organisation_id = fields.UUID(required=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z_]{1,29}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    weight = fields.Integer(required=True, validate=validate.Range(min=1, max=10))


class MarkKindOut(Schema):
    code = fields.String()
    name = fields.String()
    weight = fields.Integer()
    organisation_id = fields.String(allow_none=True)


class LoadIn(Schema):
    group_id = fields.UUID(required=True)
    subject_id = fields.UUID(required=True)
    teacher_account_id = fields.UUID(required=True)
    scale = fields.String(load_default="five", validate=validate.OneOf(SCALES))


class LoadTeacherIn(Schema):
    teacher_account_id = fields.UUID(required=True)


class LoadOut(Schema):
    id = fields.String()
    organisation_id = fields.String()
    academic_year_id = fields.String()
    group_id = fields.String()
    subject_id = fields.String()
    teacher_account_id = fields.String()
    scale = fields.String()


class SubstitutionIn(Schema):
    account_id = fields.UUID(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class SubstitutionOut(Schema):
    id = fields.String()
    load_id = fields.String()
    account_id = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    created_by = fields.String()


class SlotIn(Schema):
    term_id = fields.UUID(required=True)
    load_id = fields.UUID(required=True)
    weekday = fields.Integer(required=True, validate=validate.Range(min=1, max=7))
    period = fields.Integer(required=True, validate=validate.Range(min=1, max=12))


class SlotOut(Schema):
    id = fields.String()
    term_id = fields.String()
    load_id = fields.String()
    group_id = fields.String()
    teacher_account_id = fields.String()
    weekday = fields.Integer()
    period = fields.Integer()


class GenerateIn(Schema):
    term_id = fields.UUID(required=True)
    group_id = fields.UUID(load_default=None)


class LessonIn(Schema):
    date = fields.Date(required=True)
    period = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=12))
    kind = fields.String(load_default="lesson", validate=validate.OneOf(LESSON_KINDS))
    topic = fields.String(allow_none=True, validate=validate.Length(max=500))
    homework = fields.String(allow_none=True, validate=validate.Length(max=5000))
    material = fields.String(allow_none=True, validate=validate.Length(max=5000))


class LessonPatch(Schema):
    date = fields.Date()
    period = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=12))
    kind = fields.String(validate=validate.OneOf(LESSON_KINDS))
    topic = fields.String(allow_none=True, validate=validate.Length(max=500))
    homework = fields.String(allow_none=True, validate=validate.Length(max=5000))
    material = fields.String(allow_none=True, validate=validate.Length(max=5000))


class LessonOut(Schema):
    id = fields.String()
    load_id = fields.String()
    term_id = fields.String()
    group_id = fields.String()
    date = fields.Date()
    period = fields.Integer(allow_none=True)
    kind = fields.String()
    topic = fields.String(allow_none=True)
    homework = fields.String(allow_none=True)
    material = fields.String(allow_none=True)
    topic_late = fields.Boolean()
    topic_entered_at = fields.AwareDateTime(allow_none=True)
    topic_entered_by = fields.String(allow_none=True)
    created_by = fields.String()
    updated_by = fields.String(allow_none=True)


class TermIdQuery(Schema):
    term_id = fields.UUID(required=True)


class OptionalTermQuery(Schema):
    term_id = fields.UUID(load_default=None)


class MarkCell(Schema):
    lesson_id = fields.UUID(load_default=None, metadata={"description": "The lesson; or give its date."})
    date = fields.Date(load_default=None,
                       metadata={"description": "The lesson's date, when it has one lesson that day."})
    child_id = fields.UUID(required=True)
    value = fields.Raw(required=True, metadata={"description": "1–5, or pass / fail on a pass/fail load."})
    kind = fields.String(load_default="oral", metadata={"description": "Mark kind code (weights in /mark-kinds)."})
    mark_id = fields.UUID(load_default=None, metadata={"description": "Set to change an existing mark."})


class AttendanceCell(Schema):
    lesson_id = fields.UUID(load_default=None)
    date = fields.Date(load_default=None)
    child_id = fields.UUID(required=True)
    status = fields.String(required=True, metadata={"description": ", ".join(ATTENDANCE_STATUSES)})


class GridSave(Schema):
    marks = fields.List(fields.Nested(MarkCell), load_default=list, validate=validate.Length(max=5000))
    deletions = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=5000))
    attendance = fields.List(fields.Nested(AttendanceCell), load_default=list, validate=validate.Length(max=5000))


class MarkOut(Schema):
    id = fields.String()
    lesson_id = fields.String()
    child_id = fields.String()
    kind = fields.String()
    weight = fields.Integer()
    value = fields.String()
    author_account_id = fields.String()


class AttendanceOut(Schema):
    lesson_id = fields.String()
    child_id = fields.String()
    status = fields.String()


class GridSaved(Schema):
    marks = fields.List(fields.Nested(MarkOut))
    deletions = fields.List(fields.String())
    attendance = fields.List(fields.Nested(AttendanceOut))


class SingleMarkIn(Schema):
    child_id = fields.UUID(required=True)
    value = fields.Raw(required=True)
    kind = fields.String(load_default="oral")


class MarkPatch(Schema):
    value = fields.Raw(required=True)
    kind = fields.String(load_default=None)


class AttendanceEntry(Schema):
    child_id = fields.UUID(required=True)
    status = fields.String(required=True)


class LessonAttendanceIn(Schema):
    entries = fields.List(fields.Nested(AttendanceEntry), required=True, validate=validate.Length(min=1, max=200))


class MarkChangeOut(Schema):
    action = fields.String()
    old_value = fields.String(allow_none=True)
    new_value = fields.String(allow_none=True)
    old_kind = fields.String(allow_none=True)
    new_kind = fields.String(allow_none=True)
    author_account_id = fields.String()
    at = fields.AwareDateTime()


class GridPupil(Schema):
    child_id = fields.String()
    last_name = fields.String(allow_none=True, metadata={"description": "None once the pupil has left."})
    first_name = fields.String(allow_none=True)
    middle_name = fields.String(allow_none=True)
    marks = fields.List(fields.Nested(MarkOut))
    attendance = fields.Dict(keys=fields.String(), values=fields.String(),
                             metadata={"description": "lesson id → status"})
    average = fields.Float(allow_none=True, metadata={"description": "Weighted by mark kind."})
    term_mark = fields.String(allow_none=True)
    year_mark = fields.String(allow_none=True, metadata={"description": "The year mark of this load's year."})
    final_mark = fields.String(allow_none=True, metadata={"description": "The final attestation mark."})


class GridOut(Schema):
    # Named load_ here: an attribute "load" would stand for Schema.load to the type checker.
    load_ = fields.Nested(LoadOut, data_key="load", attribute="load")
    term = fields.Dict()
    lessons = fields.List(fields.Dict())
    pupils = fields.List(fields.Nested(GridPupil))


class PeriodMarkCell(Schema):
    child_id = fields.UUID(required=True)
    value = fields.Raw(required=True)


class PeriodMarksIn(Schema):
    period = fields.String(required=True, validate=validate.OneOf(("term", "year", "final")))
    term_id = fields.UUID(load_default=None)
    marks = fields.List(fields.Nested(PeriodMarkCell), required=True, validate=validate.Length(min=1, max=200))


class PeriodMarkOut(Schema):
    child_id = fields.String()
    period = fields.String()
    term_id = fields.String()
    value = fields.String()
    author_account_id = fields.String()


class TermResultOut(Schema):
    child_id = fields.String()
    average = fields.Float(allow_none=True)
    marks_count = fields.Integer()
    term_mark = fields.String(allow_none=True)
    year_mark = fields.String(allow_none=True, metadata={"description": "The year mark of this load's year."})
    final_mark = fields.String(allow_none=True, metadata={"description": "The final attestation mark."})


class StatisticsRow(Schema):
    load_id = fields.String()
    group_id = fields.String()
    group = fields.String()
    subject = fields.String()
    lessons = fields.Integer()
    marks = fields.Integer()
    average = fields.Float(allow_none=True)
    quality = fields.Float(allow_none=True, metadata={"description": "Share of 4 and 5 among five-point marks."})
    absences = fields.Integer()


class DiarySummary(Schema):
    child_id = fields.String()
    group_id = fields.String()
    group = fields.String()
    term = fields.Dict(allow_none=True)
    latest_marks = fields.List(fields.Dict())
    homework = fields.List(fields.Dict())
    attendance = fields.Dict()


class TermDiary(Schema):
    child_id = fields.String()
    group_id = fields.String()
    group = fields.String()
    term = fields.Dict()
    subjects = fields.List(fields.Dict())
    homework = fields.List(fields.Dict())
    attendance = fields.List(fields.Dict())
