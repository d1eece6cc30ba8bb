"""Individual development routes: after a round the educator of the child's group writes goals
per card with activities and a review date, and publishes the route to the guardians (PRE-09)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import InvalidInput, NotFound
from kabinet_kit.events import utcnow
from kabinet_kit.paging import page_list

from .access import Caller, staff_can_read_child
from .children import reachable_child
from .deps import Deps
from .models import Card, Child, Round, Route, RouteGoal

# Called with the document as it is now, before a save changes it (the API's If-Match check).
Check = Callable[[Any], Any]


def save_route(deps: Deps, session: Session, caller: Caller, child_id: str, round_id: str,
               data: dict[str, Any], *, check: Check | None = None) -> dict[str, Any]:
    """``check`` sees the route as it is now before anything is written (If-Match)."""
    child = reachable_child(session, caller, child_id, write=True, lock=True)
    r = _round_of(session, child, round_id)
    if check is not None:
        check(route_document(session, child.id, r, published_only=False))
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


def _round_of(session: Session, child: Child, round_id: str) -> Round:
    r = session.get(Round, round_id)
    if r is None or r.organisation_id != child.organisation_id:
        raise InvalidInput("Unknown round.", errors={"round_id": ["No such round for this child's kindergarten."]})
    return r


def route_document(session: Session, child_id: str, r: Round, *, published_only: bool) -> dict[str, Any] | None:
    """The child's route for the round as its editor reads it: an empty draft when none is
    written yet (so the first save has a version to name too)."""
    found = routes_of(session, child_id, published_only=published_only, round_id=r.id)
    if found:
        return found[0]
    if published_only:
        return None
    return {"id": None, "round_id": r.id, "round_number": r.number, "published": False, "published_at": None,
            "updated_at": None, "goals": []}


def child_route(session: Session, caller: Caller, child_id: str, round_id: str) -> dict[str, Any]:
    """One route (ETag-versioned). The family sees it once published."""
    child = reachable_child(session, caller, child_id)
    staff = staff_can_read_child(caller, child.organisation_id, child.group_id)
    r = session.get(Round, round_id)
    found = route_document(session, child.id, r, published_only=not staff) \
        if r is not None and r.organisation_id == child.organisation_id else None
    if found is None:
        raise NotFound("No such route.")
    return found


def child_routes(session: Session, caller: Caller, child_id: str, query: dict[str, Any]) -> dict[str, Any]:
    """Staff see drafts too; the family sees what is published. By year and round number (a
    child has a few routes a year)."""
    child = reachable_child(session, caller, child_id)
    staff = staff_can_read_child(caller, child.organisation_id, child.group_id)
    found = routes_of(session, child.id, published_only=not staff, academic_year_id=query.get("academic_year_id"))
    return page_list(found, query)


def routes_of(session: Session, child_id: str, *, published_only: bool,
              route_id: int | None = None, round_id: str | None = None,
              academic_year_id: str | None = None) -> list[dict[str, Any]]:
    query = select(Route, Round).join(Round, Round.id == Route.round_id).where(Route.child_id == child_id)
    if published_only:
        query = query.where(Route.published.is_(True))
    if route_id is not None:
        query = query.where(Route.id == route_id)
    if round_id is not None:
        query = query.where(Route.round_id == round_id)
    if academic_year_id is not None:
        query = query.where(Round.academic_year_id == academic_year_id)
    out = []
    for route, r in session.execute(query.order_by(Round.academic_year_id, Round.number, Route.id)):
        goals = session.execute(select(RouteGoal, Card).join(Card, Card.id == RouteGoal.card_id)
                                .where(RouteGoal.route_id == route.id).order_by(RouteGoal.position)).all()
        out.append({"id": route.id, "round_id": r.id, "round_number": r.number, "published": route.published,
                    "published_at": route.published_at, "updated_at": route.updated_at,
                    "goals": [{"card_code": c.code, "card_title": c.title, "goal": g.goal, "activities": g.activities,
                               "review_on": g.review_on} for g, c in goals]})
    return out
