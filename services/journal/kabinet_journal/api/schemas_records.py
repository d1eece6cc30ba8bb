"""Request and response bodies of plans, day attendance and fees, control, year closing and
documents (marshmallow), documented in /openapi.json."""
from __future__ import annotations

from marshmallow import fields, validate

from kabinet_contracts.journal import LESSON_KINDS
from kabinet_kit.schemas import Schema

MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="The month is YYYY-MM, e.g. 2026-09.")


class PlanTopicIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    hours = fields.Integer(required=True, validate=validate.Range(min=1, max=200))
    kind = fields.String(load_default="lesson", validate=validate.OneOf(LESSON_KINDS))


class PlanIn(Schema):
    topics = fields.List(fields.Nested(PlanTopicIn), required=True, validate=validate.Length(min=1, max=500))


class PlanTopicOut(Schema):
    id = fields.String()
    position = fields.Integer()
    title = fields.String()
    hours = fields.Integer()
    kind = fields.String()


class PlanOut(Schema):
    load_id = fields.String()
    grade_level = fields.Integer(allow_none=True)
    curriculum_hours = fields.Integer(allow_none=True)
    total_hours = fields.Integer()
    saved_by = fields.String(allow_none=True)
    saved_at = fields.AwareDateTime(allow_none=True)
    topics = fields.List(fields.Nested(PlanTopicOut))


class PlanLessonOut(Schema):
    lesson_id = fields.String()
    term_id = fields.String()
    date = fields.Date()
    period = fields.Integer(allow_none=True)
    number = fields.Integer(metadata={"description": "The lesson's place among the load's lessons of the year."})
    topic = fields.String(allow_none=True, metadata={"description": "The topic entered, if any."})
    kind = fields.String()
    suggested_topic = fields.String(allow_none=True, metadata={"description": "The plan's topic for this lesson."})
    suggested_kind = fields.String(allow_none=True)
    plan_topic_id = fields.String(allow_none=True)
    hour = fields.Integer(allow_none=True, metadata={"description": "Which hour of the plan's topic."})
    of_hours = fields.Integer(allow_none=True)


class DayEntryIn(Schema):
    child_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(
        ("present", "absent_ill", "absent_valid", "absent_unexcused")))
    reason = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=300))


class DayAttendanceIn(Schema):
    date = fields.Date(required=True)
    entries = fields.List(fields.Nested(DayEntryIn), required=True, validate=validate.Length(min=1, max=200))


class DayAttendanceOut(Schema):
    child_id = fields.String()
    date = fields.Date()
    status = fields.String()
    reason = fields.String(allow_none=True)
    author_account_id = fields.String()


class MonthQuery(Schema):
    month = fields.String(required=True, validate=MONTH)


class DayAttendanceMonth(Schema):
    group_id = fields.String()
    month = fields.String()
    children = fields.List(fields.Dict(), metadata={"description": "child, names, days: {date: {status, reason}}"})


class FeeRateIn(Schema):
    organisation_id = fields.UUID(required=True)
    group_id = fields.UUID(allow_none=True, load_default=None,
                           metadata={"description": "A group's own rate; none for the institution's."})
    starts_on = fields.Date(required=True)
    daily_rate = fields.Decimal(required=True, places=2, validate=validate.Range(min=0, max=100000),
                                metadata={"description": "Roubles a day, e.g. 150.00"})


class FeeRateOut(Schema):
    id = fields.String()
    organisation_id = fields.String()
    group_id = fields.String(allow_none=True)
    starts_on = fields.Date()
    daily_rate = fields.Decimal(as_string=True, places=2)
    created_by = fields.String()


class ExemptionIn(Schema):
    organisation_id = fields.UUID(required=True)
    child_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(
        ("disability", "orphan", "tuberculosis", "large_family", "other")))
    percent = fields.Integer(load_default=None, validate=validate.Range(min=1, max=100),
                             metadata={"description":
                                       "Defaults: 100 (full) except large_family 50; required for other."})
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True, load_default=None)
    basis = fields.String(required=True, validate=validate.Length(min=3, max=300),
                          metadata={"description": "The document: order or certificate number and date."})


class ExemptionOut(Schema):
    id = fields.String()
    organisation_id = fields.String()
    child_id = fields.String()
    kind = fields.String()
    percent = fields.Integer()
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    basis = fields.String()
    created_by = fields.String()


class FeeRow(Schema):
    child_id = fields.String()
    group_id = fields.String()
    group = fields.String()
    last_name = fields.String(allow_none=True)
    first_name = fields.String(allow_none=True)
    days_present = fields.Integer()
    days_absent_ill = fields.Integer()
    days_absent_valid = fields.Integer()
    days_absent_unexcused = fields.Integer()
    charged_days = fields.Integer(metadata={"description": "Present plus absent without a valid reason."})
    days_without_rate = fields.Integer()
    full_amount = fields.String(allow_none=True, metadata={"description": "Before exemptions, roubles."})
    exemption_percent = fields.Integer()
    exemption_kind = fields.String(allow_none=True)
    amount = fields.String(allow_none=True, metadata={"description": "To pay, roubles; none when a rate is missing."})


class GroupFees(Schema):
    month = fields.String()
    group_id = fields.String()
    children = fields.List(fields.Nested(FeeRow))


class ChildFees(Schema):
    month = fields.String()
    child_id = fields.String()
    groups = fields.List(fields.Nested(FeeRow))


class ControlQuery(Schema):
    organisation_id = fields.UUID(required=True)
    month = fields.String(required=True, validate=MONTH)


class ControlReport(Schema):
    organisation_id = fields.String()
    month = fields.String()
    counted_until = fields.String()
    terms = fields.List(fields.Dict())
    institution = fields.Dict()
    groups = fields.List(fields.Dict())
    teachers = fields.List(fields.Dict(), metadata={"description": "Administration only."})
    lessons_without_topic = fields.List(fields.Dict())
    late_topics = fields.List(fields.Dict())
    lessons_without_attendance = fields.List(fields.Dict())
    pupils_without_marks = fields.List(fields.Dict())
    attestation = fields.List(fields.Dict(), metadata={
        "description": "Per group and subject: pupils without the term mark of a term that is over, without the "
                       "year and final marks once the year's last term is (figures only)."})
    pupils_without_attestation = fields.List(fields.Dict(), metadata={
        "description": "Administration only: who lacks which mark (period term, year or final)."})


class YearCloseIn(Schema):
    organisation_id = fields.UUID(required=True)


class YearReport(Schema):
    organisation_id = fields.String()
    academic_year_id = fields.String()
    closed = fields.Boolean()
    closing = fields.Dict(allow_none=True)
    groups = fields.List(fields.Dict(), metadata={"description": "Per group: still in it, moved to, withdrawn."})
