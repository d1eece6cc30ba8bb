"""Groups, children's cards, observations, routes and recommendations."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView

from kabinet_kit.etags import ETAG_HEADER_DOC, etag_of, guarded_by_if_match, require_if_match
from kabinet_kit.idempotency import idempotent
from kabinet_kit.openapi import Blueprint
from kabinet_kit.paging import PageQuery

from .. import children, observations, recommendations, routes
from ..cabinet import cabinet as child_cabinet
from ..cabinet import my_children as guardians_children
from ..models import IDEMPOTENCY
from . import examples as ex
from . import lists
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
@guarded_by_if_match
@blp.arguments(s.ObservationIn, example=ex.OBSERVATION)
@blp.response(200, s.ObservationOut)
def record_observation(body: dict[str, Any]) -> dict[str, Any]:
    """The educator of the child's group records (or changes) one level; a person responsible for
    the cabinet in the kindergarten (its head, the deputy) corrects one the educator entered
    (seed 000 §3.4, audited). If-Match: the ETag of the indicator's card (``GET …/cards/{code}``)."""
    saved = observations.record_observations(deps(), db(), caller(), str(body["child_id"]), str(body["round_id"]),
                                             [body], check=require_if_match)
    return observations.observation_out(saved[0])


@blp.get("/children/<uuid:child_id>/rounds/<uuid:round_id>/cards/<string:card_code>")
@blp.response(200, lists.CardDocumentOut, headers=ETAG_HEADER_DOC)
def read_card(child_id: Any, round_id: Any, card_code: str) -> Any:
    """A child's card in a round, with its ETag: send it back as If-Match to save the card or one
    of its observations."""
    return _versioned(observations.read_card(db(), caller(), str(child_id), str(round_id), card_code))


@blp.put("/children/<uuid:child_id>/rounds/<uuid:round_id>/cards/<string:card_code>")
@guarded_by_if_match
@blp.arguments(s.CardObservationsIn, example=ex.CARD_OBSERVATIONS)
@blp.response(200, lists.CardDocumentOut, headers=ETAG_HEADER_DOC)
def save_card(body: dict[str, Any], child_id: Any, round_id: Any, card_code: str) -> Any:
    """A whole card for a child at once: all levels are saved, or none (errors per field,
    e.g. ``observations.2.level``). Answers the card as saved, with its new ETag."""
    session = db()
    saved = observations.record_observations(deps(), session, caller(), str(child_id), str(round_id),
                                             body["observations"], card_code=card_code, field_prefix="observations",
                                             check=require_if_match)
    session.flush()
    session.expire_all()  # the new version as a later read will see it (stored precision)
    return _versioned(observations.card_document(session, saved[0].child_id, str(round_id), card_code))


@blp.get("/children/<uuid:child_id>/cabinet")
@blp.response(200, s.CabinetOut)
def cabinet(child_id: Any) -> dict[str, Any]:
    """The child's cabinet: every card with levels across rounds, the dynamics, the route and
    the recommendations. A guardian's visit is counted (PRE-11)."""
    return child_cabinet(deps(), db(), caller(), str(child_id))


@blp.get("/children/<uuid:child_id>/routes/<uuid:round_id>")
@blp.response(200, s.RouteOut, headers=ETAG_HEADER_DOC)
def read_route(child_id: Any, round_id: Any) -> Any:
    """The route of a round with its ETag (an empty draft to staff when none is written yet; the
    family sees it once published)."""
    return _versioned(routes.child_route(db(), caller(), str(child_id), str(round_id)))


@blp.put("/children/<uuid:child_id>/routes/<uuid:round_id>")
@guarded_by_if_match
@blp.arguments(s.RouteIn, example=ex.ROUTE)
@blp.response(200, s.RouteOut, headers=ETAG_HEADER_DOC)
def save_route(body: dict[str, Any], child_id: Any, round_id: Any) -> Any:
    """The educator writes the individual development route after a round (PRE-09): goals per
    card with planned activities and a review date; ``publish`` shows it to the guardians.
    If-Match: the ETag of the route's read."""
    session = db()
    routes.save_route(deps(), session, caller(), str(child_id), str(round_id), body, check=require_if_match)
    session.flush()
    session.expire_all()
    return _versioned(routes.child_route(session, caller(), str(child_id), str(round_id)))


@blp.get("/children/<uuid:child_id>/routes")
@blp.arguments(lists.RouteQuery, location="query")
@blp.response(200, lists.RoutePage)
def list_routes(query: dict[str, Any], child_id: Any) -> dict[str, Any]:
    """The child's routes by year and round number."""
    return routes.child_routes(db(), caller(), str(child_id), query)


@blp.post("/children/<uuid:child_id>/recommendations")
@once
@blp.arguments(s.RecommendationIn, example=ex.RECOMMENDATION)
@blp.response(201, s.RecommendationOut)
def add_recommendation(body: dict[str, Any], child_id: Any) -> dict[str, Any]:
    """The educator publishes a recommendation to the child's guardians (PRE-10)."""
    return recommendations.add_recommendation(deps(), db(), caller(), str(child_id), body)


@blp.route("/children/<uuid:child_id>/recommendations/<int:recommendation_id>")
class OneRecommendation(MethodView):
    """One rule for both methods: an id out of range is then 404 for each (two rules sharing the
    path would answer the second method 405)."""

    @blp.response(200, s.RecommendationOut, headers=ETAG_HEADER_DOC)
    def get(self, child_id: Any, recommendation_id: int) -> Any:
        """One recommendation with its ETag (to edit it)."""
        return _versioned(recommendations.recommendation(db(), caller(), str(child_id), recommendation_id))

    @guarded_by_if_match
    @blp.arguments(s.RecommendationIn, example=ex.RECOMMENDATION)
    @blp.response(200, s.RecommendationOut, headers=ETAG_HEADER_DOC)
    def put(self, body: dict[str, Any], child_id: Any, recommendation_id: int) -> Any:
        """The educator rewrites a recommendation. If-Match: the ETag of its read."""
        session = db()
        recommendations.edit_recommendation(session, caller(), str(child_id), recommendation_id, body,
                                            check=require_if_match)
        session.expire_all()
        return _versioned(recommendations.recommendation(session, caller(), str(child_id), recommendation_id))


@blp.get("/children/<uuid:child_id>/recommendations")
@blp.arguments(lists.RecommendationQuery, location="query")
@blp.response(200, lists.RecommendationPage)
def list_recommendations(query: dict[str, Any], child_id: Any) -> dict[str, Any]:
    """Recommendations to the guardians, newest first (used by the gateway's home screen)."""
    return recommendations.recommendations_page(db(), caller(), str(child_id), query)


@blp.get("/me/children")
@blp.arguments(PageQuery, location="query")
@blp.response(200, lists.MyChildPage)
def my_children(query: dict[str, Any]) -> dict[str, Any]:
    """A guardian's children in kindergarten groups, any number of them."""
    return guardians_children(db(), caller(), query)


def _versioned(document: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    return document, 200, {"ETag": etag_of(document)}
