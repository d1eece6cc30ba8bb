"""Request and response schemas (marshmallow): every endpoint is in /openapi.json."""
from __future__ import annotations

from marshmallow import fields, validate

from kabinet_kit.paging import PageQuery, page_schema
from kabinet_kit.schemas import Schema

from ..catalogue import CATEGORIES
from ..points import INDIVIDUALITY, LEVELS, PARTICIPATION, RESULTS

STATES = ("draft", "submitted", "approved", "returned", "deleted")
Uuid = fields.UUID


# -- catalogue ------------------------------------------------------------------------------
class ActivityIn(Schema):
    title = fields.String(required=True, validate=validate.Length(1, 300))
    organiser = fields.String(required=True, validate=validate.Length(1, 300))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    category = fields.String(required=True, validate=validate.OneOf(tuple(CATEGORIES)))
    subsection = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 100))
    base_points = fields.Float(required=True, validate=validate.Range(min=0, max=1000, min_inclusive=False))
    register_url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"})


class ActivityChange(Schema):
    title = fields.String(validate=validate.Length(1, 300))
    organiser = fields.String(validate=validate.Length(1, 300))
    starts_on = fields.Date()
    ends_on = fields.Date()
    level = fields.String(validate=validate.OneOf(LEVELS))
    category = fields.String(validate=validate.OneOf(tuple(CATEGORIES)))
    subsection = fields.String(allow_none=True, validate=validate.Length(1, 100))
    base_points = fields.Float(validate=validate.Range(min=0, max=1000, min_inclusive=False))
    register_url = fields.Url(allow_none=True, schemes={"http", "https"})
    active = fields.Boolean()


class ActivityOut(Schema):
    id = fields.String()
    title = fields.String()
    organiser = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    level = fields.String()
    category = fields.String()
    subsection = fields.String(allow_none=True)
    base_points = fields.Float()
    register_url = fields.String(allow_none=True)
    active = fields.Boolean()
    version = fields.Integer()
    petition_id = fields.String(allow_none=True)


class ActivityQuery(PageQuery):
    category = fields.String(load_default=None, validate=validate.OneOf(tuple(CATEGORIES)))
    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS))
    search = fields.String(load_default=None, validate=validate.Length(1, 100))
    include_withdrawn = fields.Boolean(load_default=False)


class RevisionOut(Schema):
    version = fields.Integer()
    values = fields.Dict()


ActivityPage = page_schema(ActivityOut, "ActivityPage")
RevisionPage = page_schema(RevisionOut, "ActivityRevisionPage")


class CoefficientsIn(Schema):
    coefficients = fields.Dict(required=True)


class CoefficientsOut(Schema):
    version = fields.Integer()
    coefficients = fields.Dict()
    published_at = fields.DateTime()


CoefficientsPage = page_schema(CoefficientsOut, "CoefficientTablePage")


class SettingsIn(Schema):
    grace_days = fields.Integer(validate=validate.Range(1, 3650))
    profstrategy_url = fields.Url(schemes={"https", "http"})


class SettingsOut(Schema):
    grace_days = fields.Integer()
    profstrategy_url = fields.String()


# -- achievements ---------------------------------------------------------------------------
class AchievementForm(Schema):
    activity_id = fields.String(required=True, validate=validate.Length(1, 36))
    participation = fields.String(required=True, validate=validate.OneOf(PARTICIPATION))
    individuality = fields.String(required=True, validate=validate.OneOf(INDIVIDUALITY))
    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    date = fields.String(required=True, validate=validate.Length(4, 10),
                         metadata={"description": "YYYY, YYYY-MM or YYYY-MM-DD; a partial date becomes its first day"})
    register_url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"})
    submit = fields.Boolean(load_default=False)


class AchievementChangeForm(Schema):
    activity_id = fields.String(validate=validate.Length(1, 36))
    participation = fields.String(validate=validate.OneOf(PARTICIPATION))
    individuality = fields.String(validate=validate.OneOf(INDIVIDUALITY))
    result = fields.String(validate=validate.OneOf(RESULTS))
    date = fields.String(validate=validate.Length(4, 10))
    register_url = fields.Url(allow_none=True, schemes={"http", "https"})


class DocumentFile(Schema):
    document = fields.Raw(metadata={"type": "string", "format": "binary",
                                    "description": "JPG or PDF, at most 2 MB, checked by content"})


class ReviewIn(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    unreadable = fields.Boolean(load_default=False,
                                metadata={"description": "return only: the document is unreadable and is deleted"})


class AchievementOut(Schema):
    id = fields.String()
    pupil_id = fields.String()
    activity_id = fields.String()
    activity = fields.Nested(ActivityOut, allow_none=True)
    participation = fields.String()
    individuality = fields.String()
    result = fields.String()
    achieved_on = fields.Date()
    date_given = fields.String()
    register_url = fields.String(allow_none=True)
    has_document = fields.Boolean()
    document_type = fields.String(allow_none=True)
    document_size = fields.Integer(allow_none=True)
    state = fields.String()
    reason = fields.String(allow_none=True)
    points = fields.Float(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class AchievementListQuery(PageQuery):
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))


AchievementPage = page_schema(AchievementOut, "AchievementPage")


class ReviewQueueQuery(PageQuery):
    group_id = Uuid(load_default=None)


# -- the cabinet ------------------------------------------------------------------------------
class Places(Schema):
    class_ = fields.Integer(data_key="class", attribute="class", allow_none=True)
    school = fields.Integer(allow_none=True)
    city = fields.Integer(allow_none=True)


class GoalIO(Schema):
    position = fields.Integer(dump_only=True)
    text = fields.String(required=True, validate=validate.Length(1, 500))
    achieved = fields.Boolean(load_default=False)


class GoalsIn(Schema):
    goals = fields.List(fields.Nested(GoalIO), required=True, validate=validate.Length(max=5))


class HighlightsIn(Schema):
    highlights = fields.List(fields.String(validate=validate.Length(1, 1000)), required=True,
                             validate=validate.Length(max=5))


class ProfiIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(
        ("elective", "career_trial", "practice", "agreement", "review", "olympiad")))
    title = fields.String(required=True, validate=validate.Length(1, 300))
    organisation = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    elective_id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=36))
    happened_on = fields.Date(required=True)
    details = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class ProfiOut(Schema):
    id = fields.String()
    kind = fields.String()
    title = fields.String()
    organisation = fields.String(allow_none=True)
    elective_id = fields.String(allow_none=True)
    happened_on = fields.Date()
    details = fields.String(allow_none=True)
    confirmed = fields.Boolean()


class SelfieOut(Schema):
    pupil_id = fields.String()
    last_name = fields.String(allow_none=True)
    first_name = fields.String(allow_none=True)
    middle_name = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    email = fields.String(allow_none=True)
    school = fields.String(allow_none=True)
    class_name = fields.String(allow_none=True)
    goals = fields.List(fields.Nested(GoalIO))
    highlights = fields.List(fields.Dict())
    latest_courses = fields.List(fields.Nested(ProfiOut))
    points = fields.Float()
    taking_part = fields.Boolean()
    places = fields.Nested(Places)
    profstrategy_url = fields.String()


class ProfiPage(Schema):
    pupil_id = fields.String()
    profstrategy_url = fields.String()
    sections = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(ProfiOut)))


class TakingPartIn(Schema):
    taking_part = fields.Boolean(required=True)


class TakingPartOut(Schema):
    pupil_id = fields.String()
    taking_part = fields.Boolean()
    places = fields.Nested(Places)


class ElectiveIn(Schema):
    title = fields.String(required=True, validate=validate.Length(1, 300))
    hours = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 2000))


class ElectiveOut(Schema):
    id = fields.String()
    organisation_id = fields.String()
    title = fields.String()
    hours = fields.Integer(allow_none=True)


ElectivePage = page_schema(ElectiveOut, "ElectivePage")


class CapitalLevel(Schema):
    level = fields.String()
    title = fields.String()
    achievements = fields.List(fields.Nested(AchievementOut))


class CapitalCategory(Schema):
    category = fields.String()
    title = fields.String()
    subsections = fields.Dict(keys=fields.String(), values=fields.String())
    count = fields.Integer()
    levels = fields.List(fields.Nested(CapitalLevel))


class CapitalOut(Schema):
    pupil_id = fields.String()
    categories = fields.List(fields.Nested(CapitalCategory))


# -- ratings ------------------------------------------------------------------------------------
class RatingRow(Schema):
    place = fields.Integer()
    points = fields.Float()
    me = fields.Boolean()
    class_name = fields.String(allow_none=True)
    pupil_id = fields.String(metadata={"description": "only where the caller may see the pupil"})
    name = fields.String(metadata={"description": "only where the caller may see the pupil"})


class RatingOut(Schema):
    scope = fields.String()
    key = fields.String(allow_none=True)
    items = fields.List(fields.Nested(RatingRow))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


class PointsOut(Schema):
    pupil_id = fields.String()
    points = fields.Float()
    table_version = fields.Integer()
    taking_part = fields.Boolean()
    places = fields.Nested(Places)


class StatisticsQuery(Schema):
    organisation_id = Uuid(load_default=None)


class StatisticsOut(Schema):
    organisation_id = fields.String(allow_none=True)
    cells = fields.List(fields.Dict())
    rated_pupils = fields.Integer()


# -- petitions ------------------------------------------------------------------------------------
class PetitionIn(Schema):
    organisation_id = Uuid(load_default=None, metadata={"description": "an administrator's school; a pupil omits it"})
    title = fields.String(required=True, validate=validate.Length(1, 300))
    organiser = fields.String(required=True, validate=validate.Length(1, 300))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    category = fields.String(required=True, validate=validate.OneOf(tuple(CATEGORIES)))
    subsection = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 100))
    register_url = fields.Url(load_default=None, allow_none=True, schemes={"http", "https"})
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class PetitionDecisionIn(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    base_points = fields.Float(load_default=None, validate=validate.Range(min=0, max=1000, min_inclusive=False))
    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS))
    category = fields.String(load_default=None, validate=validate.OneOf(tuple(CATEGORIES)))
    subsection = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 100))


class PetitionOut(Schema):
    id = fields.String()
    organisation_id = fields.String()
    requested_by_pupil = fields.String(allow_none=True)
    proposal = fields.Dict()
    state = fields.String()
    reason = fields.String(allow_none=True)
    activity_id = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


PetitionPage = page_schema(PetitionOut, "PetitionPage")


class PetitionQuery(PageQuery):
    state = fields.String(load_default=None, validate=validate.OneOf(
        ("requested", "petitioned", "refused_by_school", "included", "refused")))


# -- disputes -------------------------------------------------------------------------------------
class DisputeIn(Schema):
    subject = fields.String(required=True, validate=validate.OneOf(("categorisation", "refusal")))
    text = fields.String(required=True, validate=validate.Length(1, 4000))


class DisputeAnswerIn(Schema):
    answer = fields.String(required=True, validate=validate.Length(1, 4000))
    cited_activity_id = fields.String(required=True, validate=validate.Length(1, 36),
                                      metadata={"description": "the catalogue activity the decision rests on (§8.1)"})


class DisputeOut(Schema):
    id = fields.String()
    achievement_id = fields.String()
    pupil_id = fields.String()
    organisation_id = fields.String(allow_none=True)
    subject = fields.String()
    text = fields.String()
    opened_on = fields.Date()
    due_on = fields.Date()
    state = fields.String()
    overdue = fields.Boolean()
    answer = fields.String(allow_none=True)
    cited_activity_id = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)


class DisputeQuery(PageQuery):
    state = fields.String(load_default=None, validate=validate.OneOf(("open", "answered")))
    overdue = fields.Boolean(load_default=False)
    pupil_id = Uuid(load_default=None)


DisputePage = page_schema(DisputeOut, "DisputePage")
