from flask_smorest import Blueprint

from .. import schemas as s
from .. import services
from kabinet_kit.web import idempotent

from ..models import IDEMPOTENCY
from .common import caller, db, deps, idempotency_scope

blp = Blueprint("children", __name__, description="Groups, children's cards, observations, routes and recommendations")
once = idempotent(IDEMPOTENCY, idempotency_scope)


@blp.get("/groups/<uuid:group_id>/children")
@blp.response(200, s.GroupChildrenOut)
def group_children(group_id):
    """The group's children: by name where the preschool_cabinet consent is in force, otherwise
    by their stable pseudonym «Воспитанник №N»."""
    return services.group_children(db(), caller(), str(group_id))


@blp.post("/observations")
@blp.arguments(s.ObservationIn)
@blp.response(200, s.ObservationOut)
def record_observation(body):
    """The educator of the child's group records (or changes) one level."""
    saved = services.record_observations(deps(), db(), caller(), str(body["child_id"]), str(body["round_id"]),
                                         [body])
    return services.observation_out(saved[0])


@blp.put("/children/<uuid:child_id>/rounds/<uuid:round_id>/cards/<string:card_code>")
@blp.arguments(s.CardObservationsIn)
@blp.response(200, s.ObservationOut(many=True))
def save_card(body, child_id, round_id, card_code):
    """A whole card for a child at once: all levels are saved, or none (errors per field,
    e.g. ``observations.2.level``)."""
    saved = services.record_observations(deps(), db(), caller(), str(child_id), str(round_id), body["observations"],
                                         card_code=card_code, field_prefix="observations")
    return [services.observation_out(o) for o in saved]


@blp.get("/children/<uuid:child_id>/cabinet")
@blp.response(200, s.CabinetOut)
def cabinet(child_id):
    """The child's cabinet: every card with levels across rounds, the dynamics, the route and
    the recommendations. A guardian's visit is counted (seed 000 §4.5.3)."""
    return services.cabinet(deps(), db(), caller(), str(child_id))


@blp.put("/children/<uuid:child_id>/routes/<uuid:round_id>")
@blp.arguments(s.RouteIn)
@blp.response(200, s.RouteOut)
def save_route(body, child_id, round_id):
    """The educator writes the individual development route after a round (§3.6): goals per
    card with planned activities and a review date; ``publish`` shows it to the guardians."""
    return services.save_route(deps(), db(), caller(), str(child_id), str(round_id), body)


@blp.get("/children/<uuid:child_id>/routes")
@blp.response(200, s.RouteOut(many=True))
def list_routes(child_id):
    session, who = db(), caller()
    child = services._child(session, who, str(child_id))
    staff = services.can_read_child(
        services.Caller(who.account_id, who.person_id, who.grants), child.id, child.organisation_id, child.group_id)
    return services.routes_of(session, child.id, published_only=not staff)


@blp.post("/children/<uuid:child_id>/recommendations")
@once
@blp.arguments(s.RecommendationIn)
@blp.response(201, s.RecommendationOut)
def add_recommendation(body, child_id):
    """The educator publishes a recommendation to the child's guardians (§4.3.3)."""
    return services.add_recommendation(deps(), db(), caller(), str(child_id), body)


@blp.get("/children/<uuid:child_id>/recommendations")
@blp.response(200, s.RecommendationOut(many=True))
def list_recommendations(child_id):
    """Recommendations to the guardians, newest first (used by the gateway's home screen)."""
    return services.recommendations(db(), caller(), str(child_id))


@blp.get("/me/children")
@blp.response(200, s.MyChildOut(many=True))
def my_children():
    """A guardian's children in kindergarten groups, any number of them."""
    return services.my_children(db(), caller())
