"""Ratings (class, school, city), a pupil's points and places, statistics."""
from __future__ import annotations

from typing import Any

from kabinet_kit.openapi import Blueprint

from .. import ratings
from . import schemas as s
from .common import caller, db

blp = Blueprint("ratings", __name__, description="Ratings by class, school and city; points; statistics")


@blp.get("/ratings/city")
@blp.arguments(s.PageQuery, location="query")
@blp.response(200, s.RatingOut)
def city(query: dict[str, Any]) -> Any:
    """Places and points; names only of pupils the caller may see."""
    return ratings.rating(db(), caller(), "city", None, query["limit"], query["offset"])


@blp.get("/ratings/schools/<uuid:organisation_id>")
@blp.arguments(s.PageQuery, location="query")
@blp.response(200, s.RatingOut)
def school(query: dict[str, Any], organisation_id: Any) -> Any:
    return ratings.rating(db(), caller(), "school", str(organisation_id), query["limit"], query["offset"])


@blp.get("/ratings/classes/<uuid:group_id>")
@blp.arguments(s.PageQuery, location="query")
@blp.response(200, s.RatingOut)
def klass(query: dict[str, Any], group_id: Any) -> Any:
    return ratings.rating(db(), caller(), "class", str(group_id), query["limit"], query["offset"])


@blp.get("/pupils/<uuid:pupil_id>/points")
@blp.response(200, s.PointsOut)
def points(pupil_id: Any) -> Any:
    """Points and places (the home screen's portfolio part)."""
    return ratings.points(db(), caller(), str(pupil_id))


@blp.get("/statistics")
@blp.arguments(s.StatisticsQuery, location="query")
@blp.response(200, s.StatisticsOut)
def statistics(query: dict[str, Any]) -> Any:
    """Approved achievements by category and level (department: city or a school; a school's
    administration: its own)."""
    org = str(query["organisation_id"]) if query["organisation_id"] else None
    return ratings.statistics(db(), caller(), org)
