"""Groups, children's cards, observations, routes and recommendations."""
from __future__ import annotations

from typing import Any

from kabinet_kit.idempotency import idempotent
from kabinet_kit.openapi import Blueprint

from .. import children, observations, recommendations, routes
from ..cabinet import cabinet as child_cabinet
from ..cabinet import my_children as guardians_children
from ..models import IDEMPOTENCY
from . import examples as ex
from . import schemas as s
from .common import caller, db, deps, idempotency_scope

blp = Blueprint("children", __name__, description="Groups, children's cards, observations, routes and recommendations")
once = idempotent(IDEMPOTENCY, idempotency_scope)


@blp.get("/groups/<uuid:group_id>/children")
@blp.response(200, s.GroupChildrenOut)
def group_children(group_id: Any) -> dict[str, Any]:
    """The group's children: by name where the preschool_cabinet consent is in force, otherwise
    by their stable pseudonym «Воспитанник №N»."""
    return children.group_children(db(), caller(), str(group_id))


@blp.post("/observations")
@blp.arguments(s.ObservationIn, example=ex.OBSERVATION)
@blp.response(200, s.ObservationOut)
def record_observation(body: dict[str, Any]) -> dict[str, Any]:
    """The educator of the child's group records (or changes) one level."""
    saved = observations.record_observations(deps(), db(), caller(), str(body["child_id"]), str(body["round_id"]),
                                             [body])
    return observations.observation_out(saved[0])


@blp.put("/children/<uuid:child_id>/rounds/<uuid:round_id>/cards/<string:card_code>")
@blp.arguments(s.CardObservationsIn, example=ex.CARD_OBSERVATIONS)
@blp.response(200, s.ObservationOut(many=True))
def save_card(body: dict[str, Any], child_id: Any, round_id: Any, card_code: str) -> list[dict[str, Any]]:
    """A whole card for a child at once: all levels are saved, or none (errors per field,
    e.g. ``observations.2.level``)."""
    saved = observations.record_observations(deps(), db(), caller(), str(child_id), str(round_id),
                                             body["observations"], card_code=card_code, field_prefix="observations")
    return [observations.observation_out(o) for o in saved]


@blp.get("/children/<uuid:child_id>/cabinet")
@blp.response(200, s.CabinetOut)
def cabinet(child_id: Any) -> dict[str, Any]:
    """The child's cabinet: every card with levels across rounds, the dynamics, the route and
    the recommendations. A guardian's visit is counted (PRE-11)."""
    return child_cabinet(deps(), db(), caller(), str(child_id))


@blp.put("/children/<uuid:child_id>/routes/<uuid:round_id>")
@blp.arguments(s.RouteIn, example=ex.ROUTE)
@blp.response(200, s.RouteOut)
def save_route(body: dict[str, Any], child_id: Any, round_id: Any) -> dict[str, Any]:
    """The educator writes the individual development route after a round (PRE-09): goals per
    card with planned activities and a review date; ``publish`` shows it to the guardians."""
    return routes.save_route(deps(), db(), caller(), str(child_id), str(round_id), body)


@blp.get("/children/<uuid:child_id>/routes")
@blp.response(200, s.RouteOut(many=True))
def list_routes(child_id: Any) -> list[dict[str, Any]]:
    return routes.child_routes(db(), caller(), str(child_id))


@blp.post("/children/<uuid:child_id>/recommendations")
@once
@blp.arguments(s.RecommendationIn, example=ex.RECOMMENDATION)
@blp.response(201, s.RecommendationOut)
def add_recommendation(body: dict[str, Any], child_id: Any) -> dict[str, Any]:
    """The educator publishes a recommendation to the child's guardians (PRE-10)."""
    return recommendations.add_recommendation(deps(), db(), caller(), str(child_id), body)


@blp.get("/children/<uuid:child_id>/recommendations")
@blp.response(200, s.RecommendationOut(many=True))
def list_recommendations(child_id: Any) -> list[dict[str, Any]]:
    """Recommendations to the guardians, newest first (used by the gateway's home screen)."""
    return recommendations.recommendations(db(), caller(), str(child_id))


@blp.get("/me/children")
@blp.response(200, s.MyChildOut(many=True))
def my_children() -> list[dict[str, Any]]:
    """A guardian's children in kindergarten groups, any number of them."""
    return guardians_children(db(), caller())
