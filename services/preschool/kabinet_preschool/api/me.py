"""The caller's own first-screen read of the monitoring (by their posts only)."""
from __future__ import annotations

from typing import Any

from marshmallow import fields

from kabinet_kit.openapi import Blueprint
from kabinet_kit.schemas import Schema

from .. import my_round
from . import schemas as s
from .common import caller, db, deps

blp = Blueprint("me", __name__, description="The caller's monitoring round, for a first screen")


class RoundBrief(Schema):
    id = fields.String()
    number = fields.Integer()
    title = fields.String()
    deadline = fields.Date()
    status = fields.String()


class CardToFill(Schema):
    code = fields.String()
    title = fields.String()
    indicators = fields.Integer(metadata={"description": "Indicators of the card for the group's age band."})
    children_not_filled = fields.Integer(metadata={"description": "Children whose card lacks a level."})


class MyGroup(Schema):
    group_id = fields.String()
    name = fields.String()
    organisation_id = fields.String()
    age_band = fields.String(allow_none=True)
    children = fields.Integer()
    round = fields.Nested(RoundBrief, allow_none=True, metadata={
        "description": "The kindergarten's current round (latest open, else latest of the year)."})
    cards = fields.List(fields.Nested(CardToFill))
    cards_not_filled = fields.Integer(metadata={"description": "Children's cards not yet filled, in all."})


class MyKindergarten(s.KindergartenFilling):
    round_number = fields.Integer()


class KindergartenBrief(Schema):
    organisation_id = fields.String()
    name = fields.String(allow_none=True)
    round_id = fields.String()
    status = fields.String()
    deadline = fields.Date()
    expected = fields.Integer()
    filled = fields.Integer()
    percent = fields.Float(allow_none=True)
    overdue = fields.Boolean()


class CityFilling(Schema):
    round_number = fields.Integer(allow_none=True, metadata={"description": "The year's latest round number."})
    expected = fields.Integer()
    filled = fields.Integer()
    percent = fields.Float(allow_none=True)
    kindergartens = fields.List(fields.Nested(KindergartenBrief))


class MyRoundOut(Schema):
    academic_year_id = fields.String(allow_none=True)
    groups = fields.List(fields.Nested(MyGroup), metadata={"description": "The educator's groups."})
    kindergartens = fields.List(fields.Nested(MyKindergarten), metadata={
        "description": "The kindergartens the caller administers: filling of the current round."})
    city = fields.Nested(CityFilling, allow_none=True, metadata={"description": "The department: the city's filling."})


@blp.get("/me/round")
@blp.response(200, MyRoundOut)
def me_round() -> dict[str, Any]:
    """The caller's round: the educator's groups and the cards not yet filled; the kindergarten's
    filling of its current round (administration); the city's filling (department)."""
    return my_round.my_round(db(), caller(), deps().settings.activity_days)
