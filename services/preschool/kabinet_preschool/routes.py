"""Individual development routes: after a round the educator of the child's group writes goals
per card with activities and a review date, and publishes the route to the guardians (PRE-09)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import InvalidInput
from kabinet_kit.events import utcnow

from .access import Caller, staff_can_read_child
from .children import reachable_child
from .deps import Deps
from .models import Card, Round, Route, RouteGoal


def save_route(deps: Deps, session: Session, caller: Caller, child_id: str, round_id: str,
               data: dict[str, Any]) -> dict[str, Any]:
    child = reachable_child(session, caller, child_id, write=True)
    r = session.get(Round, round_id)
    if r is None or r.organisation_id != child.organisation_id:
        raise InvalidInput("Unknown round.", errors={"round_id": ["No such round for this child's kindergarten."]})
    cards = {c.code: c for c in session.scalars(select(Card).where(Card.version_id == r.catalogue_version_id))}
    errors = {f"goals.{i}.card_code": ["No such card in this round's catalogue."]
              for i, g in enumerate(data["goals"]) if g["card_code"] not in cards}
    if errors:
        raise InvalidInput("The route was not saved; see errors.", errors=errors)
    route = session.scalar(select(Route).where(Route.child_id == child.id, Route.round_id == r.id))
    now = utcnow()
    if route is None:
        route = Route(child_id=child.id, round_id=r.id, organisation_id=r.organisation_id, author=caller.account_id,
                      published=False, updated_at=now)
        session.add(route)
        session.flush()
    else:
        for goal in session.scalars(select(RouteGoal).where(RouteGoal.route_id == route.id)):
            session.delete(goal)
    for pos, g in enumerate(data["goals"], start=1):
        session.add(RouteGoal(route_id=route.id, card_id=cards[g["card_code"]].id, goal=g["goal"],
                              activities=g["activities"], review_on=g["review_on"], position=pos))
    route.author, route.updated_at = caller.account_id, now
    if data.get("publish"):
        route.published, route.published_at = True, now
        deps.events.record(session, "preschool.route.published.v1", {
            "route_id": str(route.id), "child_id": child.id, "round_id": r.id, "organisation_id": r.organisation_id,
            "goals": len(data["goals"])})
    session.flush()
    return routes_of(session, child.id, published_only=False, route_id=route.id)[0]


def child_routes(session: Session, caller: Caller, child_id: str) -> list[dict[str, Any]]:
    """Staff see drafts too; the family sees what is published."""
    child = reachable_child(session, caller, child_id)
    staff = staff_can_read_child(caller, child.organisation_id, child.group_id)
    return routes_of(session, child.id, published_only=not staff)


def routes_of(session: Session, child_id: str, *, published_only: bool,
              route_id: int | None = None) -> list[dict[str, Any]]:
    query = select(Route, Round).join(Round, Round.id == Route.round_id).where(Route.child_id == child_id)
    if published_only:
        query = query.where(Route.published.is_(True))
    if route_id is not None:
        query = query.where(Route.id == route_id)
    out = []
    for route, r in session.execute(query.order_by(Round.academic_year_id, Round.number)):
        goals = session.execute(select(RouteGoal, Card).join(Card, Card.id == RouteGoal.card_id)
                                .where(RouteGoal.route_id == route.id).order_by(RouteGoal.position)).all()
        out.append({"id": route.id, "round_id": r.id, "round_number": r.number, "published": route.published,
                    "published_at": route.published_at, "updated_at": route.updated_at,
                    "goals": [{"card_code": c.code, "card_title": c.title, "goal": g.goal, "activities": g.activities,
                               "review_on": g.review_on} for g, c in goals]})
    return out
