"""Events of the preschool observation cabinet (seed 000).

None of them carries a name, a note or any other personal data: children appear by id only,
so a subscriber can count and follow them but cannot tell who they are.
"""
from marshmallow import Schema, fields, validate

from .registry import REGISTRY

_CHILD = "2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d"
_ORG = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
_GROUP = "9b2d5c1a-2f3e-4c8d-8f6a-1b2c3d4e5f60"
_YEAR = "4f1c2b1e-7a51-4a7e-9d55-000000000001"
_ROUND = "0d3f6a4e-1b7c-4e2a-9c1d-5e6f7a8b9c0d"
_ID = "5a1e3c7b-2d4f-4a6b-8c9d-0e1f2a3b4c5d"


class ObservationEvent(Schema):
    observation_id = fields.String(required=True)
    child_id = fields.UUID(required=True)
    round_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    group_id = fields.UUID(required=True)
    card_code = fields.String(required=True)
    indicator_id = fields.Integer(required=True)
    catalogue_version = fields.Integer(required=True)
    level = fields.Integer(required=True)
    previous_level = fields.Integer(allow_none=True, load_default=None)


class RoundEvent(Schema):
    round_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    academic_year_id = fields.UUID(required=True)
    number = fields.Integer(required=True)
    deadline = fields.Date(required=True)
    catalogue_version = fields.Integer(required=True)


class RoutePublished(Schema):
    route_id = fields.String(required=True)
    child_id = fields.UUID(required=True)
    round_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    goals = fields.Integer(required=True)


class RecommendationPublished(Schema):
    recommendation_id = fields.String(required=True)
    child_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    card_code = fields.String(allow_none=True, load_default=None)


class CabinetViewed(Schema):
    visit_id = fields.UUID(required=True)
    child_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    group_id = fields.UUID(allow_none=True, load_default=None)
    viewer = fields.String(required=True, validate=validate.OneOf(("guardian",)))


_obs = {"observation_id": "1842", "child_id": _CHILD, "round_id": _ROUND, "organisation_id": _ORG,
        "group_id": _GROUP, "card_code": "speech", "indicator_id": 17, "catalogue_version": 1, "level": 2,
        "previous_level": None}
_round = {"round_id": _ROUND, "organisation_id": _ORG, "academic_year_id": _YEAR, "number": 1,
          "deadline": "2026-10-15", "catalogue_version": 1}

r = REGISTRY.register
r("preschool.observation.recorded.v1", ObservationEvent, _obs,
  "An educator recorded a child's level on an indicator in a monitoring round (no note, no name).",
  subject_field="child_id")
r("preschool.observation.changed.v1", ObservationEvent, {**_obs, "level": 3, "previous_level": 2},
  "An educator changed a recorded level; previous_level is the old one.", subject_field="child_id")
r("preschool.round.opened.v1", RoundEvent, _round,
  "The department opened a monitoring round for a kindergarten with its filling deadline.",
  subject_field="round_id")
r("preschool.round.closed.v1", RoundEvent, _round,
  "A monitoring round was closed: its observations can no longer change.", subject_field="round_id")
r("preschool.route.published.v1", RoutePublished,
  {"route_id": "311", "child_id": _CHILD, "round_id": _ROUND, "organisation_id": _ORG, "goals": 3},
  "An educator published a child's individual development route to the guardians.", subject_field="child_id")
r("preschool.recommendation.published.v1", RecommendationPublished,
  {"recommendation_id": "77", "child_id": _CHILD, "organisation_id": _ORG, "card_code": "sport"},
  "An educator published a recommendation to a child's guardians.", subject_field="child_id")
r("preschool.cabinet.viewed.v1", CabinetViewed,
  {"visit_id": _ID, "child_id": _CHILD, "organisation_id": _ORG, "group_id": _GROUP, "viewer": "guardian"},
  "A guardian opened a child's cabinet (the guardians' activity indicator, seed 000 §4.5.3).",
  subject_field="child_id")
del r
