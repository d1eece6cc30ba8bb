"""Recommendations the educator of the child's group gives the guardians (PRE-10)."""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import InvalidInput, NotFound
from kabinet_kit.events import utcnow
from kabinet_kit.paging import page, paginate

from .access import Caller
from .catalogue import current_version
from .children import reachable_child
from .deps import Deps
from .models import Card, Child, Recommendation
from .routes import Check


def _card(session: Session, code: str | None) -> Card | None:
    if not code:
        return None
    version = current_version(session)
    card = session.scalar(select(Card).where(Card.version_id == version.id, Card.code == code))
    if card is None:
        raise InvalidInput("Unknown card.", errors={"card_code": ["No such card in the current catalogue."]})
    return card


def add_recommendation(deps: Deps, session: Session, caller: Caller, child_id: str,
                       data: dict[str, Any]) -> dict[str, Any]:
    child = reachable_child(session, caller, child_id, write=True)
    card = _card(session, data.get("card_code"))
    rec = Recommendation(child_id=child.id, organisation_id=child.organisation_id, card_id=card.id if card else None,
                         text=data["text"], author=caller.account_id, published_at=utcnow())
    session.add(rec)
    session.flush()
    deps.events.record(session, "preschool.recommendation.published.v1", {
        "recommendation_id": str(rec.id), "child_id": child.id, "organisation_id": child.organisation_id,
        "card_code": card.code if card else None})
    return _rec_out(rec, card)


def _held(session: Session, child_id: str, recommendation_id: int) -> tuple[Recommendation, Card | None]:
    rec = session.get(Recommendation, recommendation_id)
    if rec is None or rec.child_id != child_id:
        raise NotFound("No such recommendation.")  # another child's: as a missing one
    return rec, session.get(Card, rec.card_id) if rec.card_id is not None else None


def recommendation(session: Session, caller: Caller, child_id: str, recommendation_id: int) -> dict[str, Any]:
    child = reachable_child(session, caller, child_id)
    return _rec_out(*_held(session, child.id, recommendation_id))


def edit_recommendation(session: Session, caller: Caller, child_id: str, recommendation_id: int,
                        data: dict[str, Any], *, check: Check | None = None) -> dict[str, Any]:
    """The educator of the child's group rewrites a recommendation over the version read
    (``check``: If-Match); the guardians see the new text in place of the old."""
    child = reachable_child(session, caller, child_id, write=True, lock=True)
    rec, card = _held(session, child.id, recommendation_id)
    if check is not None:
        check(_rec_out(rec, card))
    card = _card(session, data.get("card_code"))
    rec.text, rec.card_id = data["text"], card.id if card else None
    session.flush()
    return _rec_out(rec, card)


def _rec_out(rec: Recommendation, card: Card | None) -> dict[str, Any]:
    return {"id": rec.id, "card_code": card.code if card else None, "card_title": card.title if card else None,
            "text": rec.text, "published_at": rec.published_at}


def recommendations_query(child_id: str, card_code: str | None = None) -> Select[Any]:
    """The child's recommendations, newest first (the id breaks ties within one instant)."""
    stmt = select(Recommendation, Card).outerjoin(Card, Card.id == Recommendation.card_id) \
        .where(Recommendation.child_id == child_id)
    if card_code is not None:
        stmt = stmt.where(Card.code == card_code)
    # A multi-column select: the kit types paginate() for one column.
    return cast("Select[Any]", stmt.order_by(Recommendation.published_at.desc(), Recommendation.id.desc()))


def recommendations(session: Session, child_id: str) -> list[dict[str, Any]]:
    return [_rec_out(rec, card) for rec, card in session.execute(recommendations_query(child_id)).all()]


def recommendations_page(session: Session, caller: Caller, child_id: str, query: dict[str, Any]) -> dict[str, Any]:
    if child_id in caller.children and session.get(Child, child_id) is None:
        return page([], 0, query)  # the guardian's own child not in a kindergarten (the home screen asks for all)
    reachable_child(session, caller, child_id)
    found = paginate(session, recommendations_query(child_id, query.get("card_code")), query, scalars=False)
    return {**found, "items": [_rec_out(rec, card) for rec, card in found["items"]]}
