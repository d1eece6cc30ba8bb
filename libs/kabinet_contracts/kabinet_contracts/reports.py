"""Events of the reports service (issue 14): figures only — schools by id, counts and shares;
no person appears in any of them."""
from marshmallow import Schema, fields, validate

from .registry import REGISTRY

ITEMS = ("item14",)

_ORG = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


class DiaryReportFrozen(Schema):
    report_date = fields.Date(required=True)
    campaign_year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    # The annex 1 activation step in force on the date (per cent), none before the first.
    target = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=0, max=100))
    schools = fields.Integer(required=True, validate=validate.Range(min=0))
    schools_meeting = fields.Integer(required=True, validate=validate.Range(min=0))
    schools_missing = fields.Integer(required=True, validate=validate.Range(min=0))


class DiaryTargetMissed(Schema):
    organisation_id = fields.UUID(required=True)
    report_date = fields.Date(required=True)
    item = fields.String(required=True, validate=validate.OneOf(ITEMS))
    # The school's share (per cent) and the step's minimum it did not reach.
    value = fields.Float(required=True)
    target = fields.Integer(required=True, validate=validate.Range(min=0, max=100))


r = REGISTRY.register
r("reports.diary.frozen.v1", DiaryReportFrozen,
  {"report_date": "2026-10-15", "campaign_year": 2026, "target": 41, "schools": 2, "schools_meeting": 1,
   "schools_missing": 1},
  "The diary-introduction reports (seed 002 annex 3) of a report date were frozen: they no longer change.",
  subject_field="report_date")
r("reports.diary.target_missed.v1", DiaryTargetMissed,
  {"organisation_id": _ORG, "report_date": "2026-10-15", "item": "item14", "value": 35.5, "target": 41},
  "A school's frozen report is below the annex 1 activation step in force on its date.",
  subject_field="organisation_id")
del r
