"""Events of the pupils' e-portfolio (seed 003).

None carries a name, a reason text, a document or any other personal data: pupils appear by
id only; reasons and answers are free text a person wrote and stay in the service.
"""
from marshmallow import Schema, fields, validate

from .registry import REGISTRY

LEVELS = ("international", "all_russian", "interregional", "regional", "municipal", "inter_school")
CATEGORIES = ("intellect", "arts", "technical", "sport", "social")
RESULTS = ("participant", "prize_winner", "winner")

_PUPIL = "2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d"
_ORG = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
_GROUP = "9b2d5c1a-2f3e-4c8d-8f6a-1b2c3d4e5f60"
_ACH = "0d3f6a4e-1b7c-4e2a-9c1d-5e6f7a8b9c0d"
_ACT = "5a1e3c7b-2d4f-4a6b-8c9d-0e1f2a3b4c5d"
_ID = "4f1c2b1e-7a51-4a7e-9d55-000000000001"


class AchievementEvent(Schema):
    achievement_id = fields.UUID(required=True)
    pupil_id = fields.UUID(required=True)
    organisation_id = fields.UUID(allow_none=True, load_default=None)
    group_id = fields.UUID(allow_none=True, load_default=None)
    activity_id = fields.UUID(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    achieved_on = fields.Date(required=True)
    state = fields.String(required=True)
    # The achievement's order: every state change takes the next number.
    sequence = fields.Integer(required=True, validate=validate.Range(min=1))


class PointsChanged(Schema):
    pupil_id = fields.UUID(required=True)
    organisation_id = fields.UUID(allow_none=True, load_default=None)
    total = fields.Float(required=True)
    previous_total = fields.Float(required=True)
    table_version = fields.Integer(required=True)
    reason = fields.String(required=True, validate=validate.OneOf(
        ("achievement_approved", "achievement_deleted", "table_changed", "year_passed", "catalogue_changed")))


class PetitionEvent(Schema):
    petition_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    state = fields.String(required=True)
    activity_id = fields.UUID(allow_none=True, load_default=None)


class DisputeEvent(Schema):
    dispute_id = fields.UUID(required=True)
    achievement_id = fields.UUID(required=True)
    organisation_id = fields.UUID(allow_none=True, load_default=None)
    opened_on = fields.Date(required=True)
    due_on = fields.Date(required=True)
    state = fields.String(required=True)


class CoefficientsPublished(Schema):
    version = fields.Integer(required=True)
    published_at = fields.AwareDateTime(required=True)


class ActivityEvent(Schema):
    activity_id = fields.UUID(required=True)
    catalogue_version = fields.Integer(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    base_points = fields.Float(required=True)
    active = fields.Boolean(required=True)


_ach = {"achievement_id": _ACH, "pupil_id": _PUPIL, "organisation_id": _ORG, "group_id": _GROUP,
        "activity_id": _ACT, "category": "intellect", "level": "municipal", "result": "winner",
        "achieved_on": "2026-05-01", "state": "submitted", "sequence": 2}
_dispute = {"dispute_id": _ID, "achievement_id": _ACH, "organisation_id": _ORG, "opened_on": "2026-11-02",
            "due_on": "2026-11-10", "state": "open"}
_petition = {"petition_id": _ID, "organisation_id": _ORG, "state": "petitioned", "activity_id": None}

r = REGISTRY.register
r("portfolio.achievement.submitted.v1", AchievementEvent, _ach,
  "A pupil submitted an achievement with its evidence document for review.", subject_field="pupil_id")
r("portfolio.achievement.approved.v1", AchievementEvent, {**_ach, "state": "approved", "sequence": 3},
  "A tutor or school administrator approved an achievement: it scores from now on.", subject_field="pupil_id")
r("portfolio.achievement.returned.v1", AchievementEvent, {**_ach, "state": "returned", "sequence": 3},
  "An achievement was returned to the pupil for revision (the reason stays in the service).",
  subject_field="pupil_id")
r("portfolio.achievement.deleted.v1", AchievementEvent, {**_ach, "state": "deleted", "sequence": 3},
  "A tutor or school administrator deleted an achievement (the reason stays in the service).",
  subject_field="pupil_id")
r("portfolio.points.changed.v1", PointsChanged,
  {"pupil_id": _PUPIL, "organisation_id": _ORG, "total": 12.5, "previous_total": 0.0, "table_version": 1,
   "reason": "achievement_approved"},
  "A pupil's rating points changed (an approval, a new coefficient table, a year passing).",
  subject_field="pupil_id")
r("portfolio.petition.raised.v1", PetitionEvent, _petition,
  "A school sent the department a petition to include an activity in the catalogue.",
  subject_field="petition_id")
r("portfolio.petition.decided.v1", PetitionEvent, {**_petition, "state": "included", "activity_id": _ACT},
  "The department included a petitioned activity in the catalogue or refused it.", subject_field="petition_id")
r("portfolio.dispute.opened.v1", DisputeEvent, _dispute,
  "A pupil or guardian disputed an achievement's categorisation or refusal; due in five working days.",
  subject_field="dispute_id")
r("portfolio.dispute.answered.v1", DisputeEvent, {**_dispute, "state": "answered"},
  "The school administrator answered a dispute citing the catalogue.", subject_field="dispute_id")
r("portfolio.dispute.overdue.v1", DisputeEvent, {**_dispute, "state": "open"},
  "A dispute was not answered by its due date.", subject_field="dispute_id")
r("portfolio.coefficients.published.v1", CoefficientsPublished,
  {"version": 2, "published_at": "2026-11-02T09:00:00+00:00"},
  "The department published a new version of the points coefficient table.", subject_field="version")
r("portfolio.activity.published.v1", ActivityEvent,
  {"activity_id": _ACT, "catalogue_version": 3, "category": "intellect", "level": "municipal",
   "base_points": 10.0, "active": True},
  "The department added, changed or withdrew a catalogue activity (a new catalogue version).",
  subject_field="activity_id")
del r
