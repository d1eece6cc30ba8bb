"""Request and response schemas (marshmallow): every endpoint is in /openapi.json."""
from __future__ import annotations

from marshmallow import fields, validate

from kabinet_kit.schemas import Schema

BANDS = ("middle", "senior", "preparatory")
Code = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_-]{1,39}$",
                                                             error="Lower-case latin letters, digits, - and _."))


class LevelIn(Schema):
    level = fields.Integer(required=True, validate=validate.Range(1, 5))
    description = fields.String(required=True, validate=validate.Length(1, 2000))


class LevelOut(Schema):
    level = fields.Integer()
    description = fields.String()


class IndicatorOut(Schema):
    id = fields.Integer()
    code = fields.String()
    age_band = fields.String()
    title = fields.String()
    max_level = fields.Integer()
    levels = fields.List(fields.Nested(LevelOut))


class CardOut(Schema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()
    indicators = fields.List(fields.Nested(IndicatorOut))


class CatalogueOut(Schema):
    number = fields.Integer()
    title = fields.String()
    basis = fields.String(allow_none=True)
    status = fields.String()
    published_at = fields.DateTime(allow_none=True)
    cards = fields.List(fields.Nested(CardOut))


class CatalogueQuery(Schema):
    version = fields.Integer(load_default=None, validate=validate.Range(min=1))
    age_band = fields.String(load_default=None, validate=validate.OneOf(BANDS))


class VersionIn(Schema):
    title = fields.String(required=True, validate=validate.Length(1, 300))
    basis = fields.String(load_default=None, validate=validate.Length(max=300))
    copy_current = fields.Boolean(load_default=True)


class VersionOut(Schema):
    number = fields.Integer()
    title = fields.String()
    basis = fields.String(allow_none=True)
    status = fields.String()
    created_at = fields.DateTime()
    published_at = fields.DateTime(allow_none=True)


class CardIn(Schema):
    code = Code
    title = fields.String(required=True, validate=validate.Length(1, 200))


class IndicatorIn(Schema):
    card_code = fields.String(required=True)
    age_band = fields.String(required=True, validate=validate.OneOf(BANDS))
    code = Code
    title = fields.String(required=True, validate=validate.Length(1, 1000))
    levels = fields.List(fields.Nested(LevelIn), required=True, validate=validate.Length(2, 5))


class RoundIn(Schema):
    organisation_id = fields.UUID(required=True)
    academic_year_id = fields.UUID(required=True)
    number = fields.Integer(required=True, validate=validate.Range(1, 12))
    title = fields.String(load_default=None, validate=validate.Length(max=200))
    deadline = fields.Date(required=True)


class RoundPatch(Schema):
    deadline = fields.Date()
    status = fields.String(validate=validate.OneOf(("open", "closed")))


class RoundOut(Schema):
    id = fields.String()
    organisation_id = fields.String()
    academic_year_id = fields.String()
    number = fields.Integer()
    title = fields.String()
    deadline = fields.Date()
    status = fields.String()
    catalogue_version = fields.Integer()
    opened_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)


class ObservationIn(Schema):
    child_id = fields.UUID(required=True)
    round_id = fields.UUID(required=True)
    indicator_id = fields.Integer(required=True)
    level = fields.Integer(required=True)
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


class CardItemIn(Schema):
    indicator_id = fields.Integer(required=True)
    level = fields.Integer(required=True)
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


class CardObservationsIn(Schema):
    observations = fields.List(fields.Nested(CardItemIn), required=True, validate=validate.Length(1, 100))


class ObservationOut(Schema):
    id = fields.Integer()
    child_id = fields.String()
    round_id = fields.String()
    indicator_id = fields.Integer()
    level = fields.Integer()
    note = fields.String(allow_none=True)
    recorded_at = fields.DateTime()
    updated_at = fields.DateTime()


class GroupChildOut(Schema):
    child_id = fields.String()
    number = fields.Integer()
    display_name = fields.String()
    named = fields.Boolean()


class GroupChildrenOut(Schema):
    group_id = fields.String()
    name = fields.String()
    age_band = fields.String(allow_none=True)
    children = fields.List(fields.Nested(GroupChildOut))


class GoalIn(Schema):
    card_code = fields.String(required=True)
    goal = fields.String(required=True, validate=validate.Length(1, 2000))
    activities = fields.String(required=True, validate=validate.Length(1, 4000))
    review_on = fields.Date(required=True)


class RouteIn(Schema):
    goals = fields.List(fields.Nested(GoalIn), required=True, validate=validate.Length(1, 30))
    publish = fields.Boolean(load_default=False)


class GoalOut(Schema):
    card_code = fields.String()
    card_title = fields.String()
    goal = fields.String()
    activities = fields.String()
    review_on = fields.Date()


class RouteOut(Schema):
    id = fields.Integer(allow_none=True, metadata={"description": "None: no route written yet (an empty draft)."})
    round_id = fields.String()
    round_number = fields.Integer()
    published = fields.Boolean()
    published_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)
    goals = fields.List(fields.Nested(GoalOut))


class RecommendationIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 4000))
    card_code = fields.String(load_default=None)


class RecommendationOut(Schema):
    id = fields.Integer()
    card_code = fields.String(allow_none=True)
    card_title = fields.String(allow_none=True)
    text = fields.String()
    published_at = fields.DateTime()


class CabinetObservation(Schema):
    round_id = fields.String()
    round_number = fields.Integer()
    level = fields.Integer()
    note = fields.String(allow_none=True)
    updated_at = fields.DateTime()


class CabinetIndicator(IndicatorOut):
    observations = fields.List(fields.Nested(CabinetObservation))


class CabinetCard(Schema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()
    indicators = fields.List(fields.Nested(CabinetIndicator))


class CabinetRound(Schema):
    id = fields.String()
    number = fields.Integer()
    title = fields.String()
    status = fields.String()
    deadline = fields.Date()


class CabinetCatalogue(Schema):
    number = fields.Integer()
    title = fields.String()
    rounds = fields.List(fields.Nested(CabinetRound))
    cards = fields.List(fields.Nested(CabinetCard))


class Dynamics(Schema):
    card_code = fields.String()
    card_title = fields.String()
    from_round = fields.Integer()
    to_round = fields.Integer()
    improved = fields.Integer()
    same = fields.Integer()
    declined = fields.Integer()


class CabinetGroup(Schema):
    id = fields.String()
    name = fields.String()
    age_band = fields.String(allow_none=True)
    age_band_title = fields.String(allow_none=True)


class CabinetOut(Schema):
    child_id = fields.String()
    display_name = fields.String()
    named = fields.Boolean()
    group = fields.Nested(CabinetGroup, allow_none=True)
    organisation_id = fields.String(allow_none=True)
    catalogues = fields.List(fields.Nested(CabinetCatalogue))
    dynamics = fields.List(fields.Nested(Dynamics))
    routes = fields.List(fields.Nested(RouteOut))
    recommendations = fields.List(fields.Nested(RecommendationOut))


class MyChildOut(Schema):
    child_id = fields.String()
    display_name = fields.String()
    named = fields.Boolean()
    group_name = fields.String()
    age_band = fields.String(allow_none=True)
    kindergarten = fields.String(allow_none=True)


class StatsQuery(Schema):
    academic_year_id = fields.String(required=True)
    round_number = fields.Integer(required=True, validate=validate.Range(1, 12))
    compare_round_number = fields.Integer(load_default=None, validate=validate.Range(1, 12))
    group_id = fields.String(load_default=None)
    organisation_id = fields.String(load_default=None)


class Cells(Schema):
    children = fields.Integer(allow_none=True)
    levels = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))
    shares = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    suppressed = fields.Boolean()


class StatsIndicator(Cells):
    indicator_id = fields.Integer()
    code = fields.String()
    age_band = fields.String()
    title = fields.String()
    max_level = fields.Integer()
    compare = fields.Nested(Cells)
    change = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))


class StatsCard(Schema):
    card_code = fields.String()
    card_title = fields.String()
    catalogue_version = fields.Integer()
    indicators = fields.List(fields.Nested(StatsIndicator))


class StatsOut(Schema):
    scope = fields.Dict()
    academic_year_id = fields.String()
    round_number = fields.Integer()
    compare_round_number = fields.Integer(allow_none=True)
    suppression_threshold = fields.Integer(allow_none=True)
    cards = fields.List(fields.Nested(StatsCard))


class CompletenessQuery(Schema):
    academic_year_id = fields.String(required=True)
    round_number = fields.Integer(required=True, validate=validate.Range(1, 12))
    organisation_id = fields.String(load_default=None)


class GroupFilling(Schema):
    group_id = fields.String()
    name = fields.String()
    age_band = fields.String(allow_none=True)
    children = fields.Integer()
    expected = fields.Integer()
    filled = fields.Integer()
    percent = fields.Float(allow_none=True)


class GuardianActivity(Schema):
    days = fields.Integer()
    children = fields.Integer()
    children_with_guardian_visits = fields.Integer()
    percent = fields.Float(allow_none=True)


class KindergartenFilling(Schema):
    organisation_id = fields.String()
    name = fields.String(allow_none=True)
    round_id = fields.String()
    status = fields.String()
    deadline = fields.Date()
    expected = fields.Integer()
    filled = fields.Integer()
    percent = fields.Float(allow_none=True)
    overdue = fields.Boolean()
    groups = fields.List(fields.Nested(GroupFilling))
    guardian_activity = fields.Nested(GuardianActivity)


class CompletenessOut(Schema):
    academic_year_id = fields.String()
    round_number = fields.Integer()
    kindergartens = fields.List(fields.Nested(KindergartenFilling))


class ReportQuery(Schema):
    round_id = fields.UUID(required=True)
