"""The card catalogue: versioned cards, indicators per age band and their level scales (PRE-01,
PRE-02). Published versions are frozen; the department extends the catalogue with a new draft."""
from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput, NotFound
from kabinet_kit.events import utcnow
from kabinet_kit.paging import paginate

from .access import Caller, require_department
from .models import Card, CatalogueVersion, Indicator, IndicatorLevel

# The age bands of the cards (PRE-02), with their titles in reports and the cabinet.
BANDS = {"middle": "средняя (4–5 лет)", "senior": "старшая (5–6 лет)", "preparatory": "подготовительная (6–7 лет)"}


def current_version(session: Session) -> CatalogueVersion:
    version = session.scalar(select(CatalogueVersion).where(CatalogueVersion.status == "published")
                             .order_by(CatalogueVersion.number.desc()).limit(1))
    if version is None:
        raise NotFound("No catalogue version is published.")
    return version


def version_by_number(session: Session, number: int) -> CatalogueVersion:
    version = session.scalar(select(CatalogueVersion).where(CatalogueVersion.number == number))
    if version is None:
        raise NotFound(f"Catalogue version {number} does not exist.")
    return version


# Published versions never change, so their trees are kept per database (url), version and band.
_PUBLISHED_TREES: dict[tuple[str, int, str | None], dict[str, Any]] = {}


def catalogue_tree(session: Session, version: CatalogueVersion, band: str | None = None) -> dict[str, Any]:
    if version.status != "published":
        return _build_tree(session, version, band)
    key = (str(session.get_bind().engine.url), version.id, band)
    tree = _PUBLISHED_TREES.get(key)
    if tree is None:
        tree = _PUBLISHED_TREES[key] = _build_tree(session, version, band)
    return copy.deepcopy(tree)  # callers add per-child data to it


def _build_tree(session: Session, version: CatalogueVersion, band: str | None) -> dict[str, Any]:
    cards = list(session.scalars(select(Card).where(Card.version_id == version.id).order_by(Card.position)))
    query = select(Indicator).where(Indicator.card_id.in_([c.id for c in cards]))
    if band:
        query = query.where(Indicator.age_band == band)
    indicators = list(session.scalars(query.order_by(Indicator.age_band, Indicator.position)))
    levels: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for lv in session.scalars(select(IndicatorLevel).where(IndicatorLevel.indicator_id.in_([i.id for i in indicators]))
                              .order_by(IndicatorLevel.level)):
        levels[lv.indicator_id].append({"level": lv.level, "description": lv.description})
    by_card: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for i in indicators:
        by_card[i.card_id].append({"id": i.id, "code": i.code, "age_band": i.age_band, "title": i.title,
                                   "max_level": i.max_level, "levels": levels[i.id]})
    return {"number": version.number, "title": version.title, "basis": version.basis, "status": version.status,
            "published_at": version.published_at,
            "cards": [{"id": c.id, "code": c.code, "title": c.title, "indicators": by_card[c.id]} for c in cards]}


def list_versions(session: Session, query: dict[str, Any]) -> dict[str, Any]:
    stmt = select(CatalogueVersion)
    if query.get("status") is not None:
        stmt = stmt.where(CatalogueVersion.status == query["status"])
    return paginate(session, stmt.order_by(CatalogueVersion.number), query)


def create_version(session: Session, caller: Caller, data: dict[str, Any]) -> CatalogueVersion:
    """A new draft version (PRE-01), by default a copy of the current one to extend."""
    require_department(caller)
    if session.scalar(select(CatalogueVersion.id).where(CatalogueVersion.status == "draft")):
        raise Conflict("A draft catalogue version already exists; publish it first.")
    top = session.scalar(select(func.max(CatalogueVersion.number))) or 0
    version = CatalogueVersion(number=top + 1, title=data["title"], basis=data.get("basis"), status="draft",
                               created_at=utcnow())
    session.add(version)
    session.flush()
    if data.get("copy_current", True):
        _copy_cards(session, current_version(session), version)
    session.flush()
    return version


def _copy_cards(session: Session, source: CatalogueVersion, target: CatalogueVersion) -> None:
    for card in session.scalars(select(Card).where(Card.version_id == source.id)):
        new_card = Card(version_id=target.id, code=card.code, title=card.title, position=card.position)
        session.add(new_card)
        session.flush()
        for ind in session.scalars(select(Indicator).where(Indicator.card_id == card.id)):
            new_ind = Indicator(card_id=new_card.id, age_band=ind.age_band, code=ind.code, title=ind.title,
                                position=ind.position, max_level=ind.max_level)
            session.add(new_ind)
            session.flush()
            for lv in session.scalars(select(IndicatorLevel).where(IndicatorLevel.indicator_id == ind.id)):
                session.add(IndicatorLevel(indicator_id=new_ind.id, level=lv.level, description=lv.description))


def _draft(session: Session, caller: Caller, number: int) -> CatalogueVersion:
    require_department(caller)
    version = version_by_number(session, number)
    if version.status != "draft":
        # Published versions are frozen: observations made under them must keep their meaning.
        raise Conflict(f"Catalogue version {number} is published and cannot change; create a new version.")
    return version


def add_card(session: Session, caller: Caller, number: int, data: dict[str, Any]) -> Card:
    version = _draft(session, caller, number)
    if session.scalar(select(Card.id).where(Card.version_id == version.id, Card.code == data["code"])):
        raise InvalidInput("The card exists.", errors={"code": ["A card with this code is already in this version."]})
    top = session.scalar(select(func.max(Card.position)).where(Card.version_id == version.id)) or 0
    card = Card(version_id=version.id, code=data["code"], title=data["title"], position=top + 1)
    session.add(card)
    session.flush()
    return card


def add_indicator(session: Session, caller: Caller, number: int, data: dict[str, Any]) -> Indicator:
    version = _draft(session, caller, number)
    card = session.scalar(select(Card).where(Card.version_id == version.id, Card.code == data["card_code"]))
    if card is None:
        raise InvalidInput("Unknown card.", errors={"card_code": [f"No card with this code in version {number}."]})
    levels = sorted(lv["level"] for lv in data["levels"])
    if levels != list(range(1, len(levels) + 1)):
        raise InvalidInput("Bad level scale.", errors={"levels": ["Levels must be numbered 1, 2, … without gaps."]})
    if session.scalar(select(Indicator.id).where(Indicator.card_id == card.id, Indicator.age_band == data["age_band"],
                                                 Indicator.code == data["code"])):
        raise InvalidInput("The indicator exists.", errors={"code": ["Already in this card and age band."]})
    top = session.scalar(select(func.max(Indicator.position)).where(
        Indicator.card_id == card.id, Indicator.age_band == data["age_band"])) or 0
    indicator = Indicator(card_id=card.id, age_band=data["age_band"], code=data["code"], title=data["title"],
                          position=top + 1, max_level=len(levels))
    session.add(indicator)
    session.flush()
    for lv in data["levels"]:
        session.add(IndicatorLevel(indicator_id=indicator.id, level=lv["level"], description=lv["description"]))
    session.flush()
    return indicator


def publish_version(session: Session, caller: Caller, number: int) -> CatalogueVersion:
    version = _draft(session, caller, number)
    cards = list(session.scalars(select(Card.id).where(Card.version_id == version.id)))
    if not cards or not session.scalar(select(Indicator.id).where(Indicator.card_id.in_(cards)).limit(1)):
        raise InvalidInput("An empty catalogue cannot be published.",
                           errors={"number": ["The version has no indicators."]})
    version.status, version.published_at = "published", utcnow()
    return version
