"""Request and response schemas (marshmallow): every endpoint is in /openapi.json."""
from __future__ import annotations

from marshmallow import fields, validate

from kabinet_kit.schemas import Schema

TEXT = validate.Length(1, 1000)


# -- the schedule ----------------------------------------------------------------------------
class ScheduleIn(Schema):
    campaign_year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100),
                                   metadata={"description": "The year the annex 1 steps count from (20.09, 15.10, "
                                                            "15.11 of it; 01.01 of the next)."})
    dates = fields.List(fields.Date(), required=True, validate=validate.Length(1, 50, error="At least one date."))


class ReportDateOut(Schema):
    on = fields.String(required=True)
    campaign_year = fields.Integer(required=True)
    frozen = fields.Boolean(required=True)


class ScheduleOut(Schema):
    dates = fields.List(fields.Nested(ReportDateOut), required=True)


class ReportQuery(Schema):
    on = fields.Date(load_default=None, metadata={
        "description": "A report date of the schedule; without it, today's draft."})


# -- a school's entries (annex 3: what the school enters itself) -----------------------------
class Responsible(Schema):
    """Item 1, without the person's name: the name is identity's to show, not this service's."""
    post = fields.String(required=True, validate=TEXT)
    order = fields.String(load_default=None, allow_none=True, validate=TEXT)


class ActRef(Schema):
    title = fields.String(required=True, validate=TEXT)
    requisites = fields.String(required=True, validate=TEXT)


class Coverage(Schema):
    """Per cent of each audience (items 6 and 10)."""
    teachers = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 100))
    parents = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 100))
    pupils = fields.Float(load_default=None, allow_none=True, validate=validate.Range(0, 100))


class ProblemEntry(Schema):
    problem = fields.String(required=True, validate=TEXT)
    solution = fields.String(load_default=None, allow_none=True, validate=TEXT)
    solved = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("fully", "partly")))


class EntriesDoc(Schema):
    responsible = fields.Nested(Responsible, load_default=None, allow_none=True)
    system_name = fields.String(load_default=None, allow_none=True, validate=TEXT)
    plan = fields.String(load_default=None, allow_none=True, validate=TEXT,
                         metadata={"description": "Item 3: the requisites of the plan's approval."})
    local_acts = fields.List(fields.Nested(ActRef), load_default=list, validate=validate.Length(max=50))
    amended_acts = fields.List(fields.Nested(ActRef), load_default=list, validate=validate.Length(max=50))
    familiarisation = fields.Nested(Coverage, load_default=None, allow_none=True)
    familiarisation_forms = fields.String(load_default=None, allow_none=True, validate=TEXT)
    training = fields.Nested(Coverage, load_default=None, allow_none=True)
    site_link = fields.Boolean(load_default=None, allow_none=True)
    additional = fields.String(load_default=None, allow_none=True, validate=TEXT)
    problems = fields.List(fields.Nested(ProblemEntry), load_default=list, validate=validate.Length(max=50))


# -- the reports -----------------------------------------------------------------------------
class Share(Schema):
    count = fields.Integer(required=True)
    of = fields.Integer(required=True)
    percent = fields.Float(required=True, allow_none=True)


class Logins(Schema):
    parents = fields.Nested(Share, required=True)
    teachers = fields.Nested(Share, required=True)
    pupils = fields.Nested(Share, required=True)


class Target(Schema):
    since = fields.String(required=True)
    minimum = fields.Integer(required=True)
    maximum = fields.Integer(required=True)


class ClassFigures(Schema):
    group_id = fields.UUID(required=True)
    name = fields.String(required=True)
    pupils = fields.Integer(required=True)
    item8 = fields.Nested(Share, required=True)
    item12_parents = fields.Nested(Share, required=True)
    item12_pupils = fields.Nested(Share, required=True)
    item14 = fields.Nested(Share, required=True)


class Figures(Schema):
    pupils = fields.Integer(required=True)
    item8 = fields.Nested(Share, required=True, metadata={"description": "Parents' applications (e_diary consents)."})
    item9 = fields.Nested(Share, required=True, metadata={
        "description": "Journal filling: lessons of the last 30 days with the topic entered."})
    item12 = fields.Nested(Logins, required=True)
    item13 = fields.Nested(Share, required=True, metadata={
        "description": "Teachers who filled in a lesson in the last 30 days."})
    item14 = fields.Nested(Share, required=True, metadata={
        "description": "Activated guardians of those who may use the service."})
    meets_target = fields.Boolean(required=True, allow_none=True)


class SchoolRow(Figures):
    organisation_id = fields.UUID(required=True)
    short_name = fields.String(required=True)


class SchoolReport(SchoolRow):
    on = fields.String(required=True)
    campaign_year = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("draft", "frozen")))
    frozen_at = fields.String(required=True, allow_none=True)
    target = fields.Nested(Target, required=True, allow_none=True)
    classes = fields.List(fields.Nested(ClassFigures), required=True)
    entries = fields.Nested(EntriesDoc, required=True)


class CityReport(Schema):
    on = fields.String(required=True)
    campaign_year = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("draft", "frozen")))
    target = fields.Nested(Target, required=True, allow_none=True)
    totals = fields.Nested(Figures, required=True)
    schools_meeting = fields.Integer(required=True)
    schools_missing = fields.Integer(required=True)
    schools = fields.List(fields.Nested(SchoolRow), required=True)
