"""Paging queries, pages and the documents guarded by If-Match (kept apart from schemas.py,
which holds the bodies)."""
from __future__ import annotations

from marshmallow import fields, validate

from kabinet_contracts.identity import CONSENT_PURPOSES
from kabinet_kit.paging import PageQuery, page_schema
from kabinet_kit.schemas import Schema

from . import schemas as s

CONSENT_STATES = ("active", "revoked", "expired")


class RoundQuery(PageQuery):
    organisation_id = fields.String(load_default=None)
    academic_year_id = fields.String(load_default=None)
    number = fields.Integer(load_default=None, validate=validate.Range(1, 12))
    status = fields.String(load_default=None, validate=validate.OneOf(("open", "closed")))


class VersionQuery(PageQuery):
    status = fields.String(load_default=None, validate=validate.OneOf(("draft", "published")))


class RouteQuery(PageQuery):
    academic_year_id = fields.String(load_default=None)


class RecommendationQuery(PageQuery):
    card_code = fields.String(load_default=None)


class CardDocumentOut(Schema):
    """A child's card in a round: read with its ETag, saved with If-Match."""
    child_id = fields.String()
    round_id = fields.String()
    card_code = fields.String()
    observations = fields.List(fields.Nested(s.ObservationOut))


class CorrectionQuery(PageQuery):
    organisation_id = fields.UUID(required=True)
    round_id = fields.UUID(load_default=None)
    child_id = fields.UUID(load_default=None)
    corrected_by = fields.UUID(load_default=None)


class CorrectionOut(Schema):
    id = fields.Integer()
    observation_id = fields.Integer()
    child_id = fields.String()
    round_id = fields.String()
    indicator_id = fields.Integer()
    indicator_code = fields.String()
    card_code = fields.String()
    corrected_by = fields.String(metadata={"description": "The account that corrected the entry."})
    corrected_at = fields.DateTime()
    entered_by = fields.String(metadata={"description": "The account whose entry was corrected."})
    old_level = fields.Integer()
    new_level = fields.Integer()
    old_note = fields.String(allow_none=True)
    new_note = fields.String(allow_none=True)


class ConsentQuery(PageQuery):
    organisation_id = fields.UUID(required=True)
    group_id = fields.UUID(load_default=None)
    child_id = fields.UUID(load_default=None)
    purpose = fields.String(load_default=None, validate=validate.OneOf(CONSENT_PURPOSES))
    state = fields.String(load_default=None, validate=validate.OneOf(CONSENT_STATES))


class ConsentOut(Schema):
    consent_id = fields.String()
    child_id = fields.String()
    group_id = fields.String(allow_none=True)
    child = fields.String(metadata={
        "description": "The name under the preschool_cabinet consent, else «Воспитанник №N»."})
    named = fields.Boolean()
    guardian_person_id = fields.String(allow_none=True)
    purpose = fields.String()
    state = fields.String()
    registration_number = fields.String(allow_none=True)
    registration_date = fields.Date(allow_none=True)
    given_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)


class RoundsCheckQuery(PageQuery):
    academic_year_id = fields.UUID(required=True)
    organisation_id = fields.UUID(load_default=None)
    incomplete_only = fields.Boolean(load_default=False)


class HeldRound(Schema):
    id = fields.String()
    number = fields.Integer()
    deadline = fields.Date()
    status = fields.String()


class RoundsCheckOut(Schema):
    organisation_id = fields.String()
    name = fields.String()
    academic_year_id = fields.String()
    rounds = fields.List(fields.Nested(HeldRound))
    complete = fields.Boolean()
    missing = fields.List(fields.String(), metadata={"description": "start | end: the required round not held."})


RoundPage = page_schema(s.RoundOut, "RoundPage")
VersionPage = page_schema(s.VersionOut, "VersionPage")
RoutePage = page_schema(s.RouteOut, "RoutePage")
RecommendationPage = page_schema(s.RecommendationOut, "RecommendationPage")
MyChildPage = page_schema(s.MyChildOut, "MyChildPage")
CorrectionPage = page_schema(CorrectionOut, "CorrectionPage")
ConsentPage = page_schema(ConsentOut, "ConsentPage")
RoundsCheckPage = page_schema(RoundsCheckOut, "RoundsCheckPage")
