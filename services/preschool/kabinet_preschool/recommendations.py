"""Recommendations the educator of the child's group gives the guardians (PRE-10)."""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import InvalidInput
from kabinet_kit.events import utcnow
from kabinet_kit.paging import page, paginate

from .access import Caller
from .catalogue import current_version
from .children import reachable_child
from .deps import Deps
from .models import Card, Child, Recommendation


def add_recommendation(deps: Deps, session: Session, caller: Caller, child_id: str,
                       data: dict[str, Any]) -> dict[str, Any]:
    child = reachable_child(session, caller, child_id, write=True)
    card = None
    if data.get("card_code"):
        version = current_version(session)
        card = session.scalar(select(Card).where(Card.version_id == version.id, Card.code == data["card_code"]))
        if card is None:
            raise InvalidInput("Unknown card.", errors={"card_code": ["No such card in the current catalogue."]})
    rec = Recommendation(child_id=child.id, organisation_id=child.organisation_id, card_id=card.id if card else None,
                         text=data["text"], author=caller.account_id, published_at=utcnow())
    session.add(rec)
    session.flush()
    deps.events.record(session, "preschool.recommendation.published.v1", {
        "recommendation_id": str(rec.id), "child_id": child.id, "organisation_id": child.organisation_id,
        "card_code": card.code if card else None})
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
