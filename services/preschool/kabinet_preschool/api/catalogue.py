"""The card catalogue: versioned data (PRE-01, PRE-02)."""
from __future__ import annotations

from typing import Any

from kabinet_kit.idempotency import idempotent
from kabinet_kit.openapi import Blueprint

from .. import catalogue
from ..models import IDEMPOTENCY, Card, CatalogueVersion
from . import examples as ex
from . import lists
from . import schemas as s
from .common import caller, db, idempotency_scope

blp = Blueprint("catalogue", __name__, description="The card catalogue: versioned data (PRE-01, PRE-02)")
once = idempotent(IDEMPOTENCY, idempotency_scope)


@blp.get("/catalogue")
@blp.arguments(s.CatalogueQuery, location="query")
@blp.response(200, s.CatalogueOut)
def get_catalogue(query: dict[str, Any]) -> dict[str, Any]:
    """The cards with their indicators, level scales and descriptions: the current version, or
    the one named; optionally one age band."""
    caller()
    session = db()
    version = catalogue.version_by_number(session, query["version"]) if query["version"] else \
        catalogue.current_version(session)
    return catalogue.catalogue_tree(session, version, query["age_band"])


@blp.get("/catalogue/versions")
@blp.arguments(lists.VersionQuery, location="query")
@blp.response(200, lists.VersionPage)
def list_versions(query: dict[str, Any]) -> dict[str, Any]:
    """The catalogue's versions by number."""
    caller()
    return catalogue.list_versions(db(), query)


@blp.post("/catalogue/versions")
@once
@blp.arguments(s.VersionIn, example=ex.VERSION)
@blp.response(201, s.VersionOut)
def create_version(body: dict[str, Any]) -> CatalogueVersion:
    """Department: a new draft version, by default a copy of the current one (PRE-01)."""
    return catalogue.create_version(db(), caller(), body)


@blp.post("/catalogue/versions/<int:number>/cards")
@once
@blp.arguments(s.CardIn, example=ex.CARD)
@blp.response(201, s.CardOut)
def add_card(body: dict[str, Any], number: int) -> dict[str, Any]:
    card: Card = catalogue.add_card(db(), caller(), number, body)
    return {"id": card.id, "code": card.code, "title": card.title, "indicators": []}


@blp.post("/catalogue/versions/<int:number>/indicators")
@once
@blp.arguments(s.IndicatorIn, example=ex.INDICATOR)
@blp.response(201, s.IndicatorOut)
def add_indicator(body: dict[str, Any], number: int) -> dict[str, Any]:
    """Department: an indicator for a card and age band, with its level scale (1…n) and descriptions."""
    ind = catalogue.add_indicator(db(), caller(), number, body)
    return {"id": ind.id, "code": ind.code, "age_band": ind.age_band, "title": ind.title, "max_level": ind.max_level,
            "levels": sorted(body["levels"], key=lambda lv: lv["level"])}


@blp.post("/catalogue/versions/<int:number>/publish")
@blp.response(200, s.VersionOut)
def publish_version(number: int) -> CatalogueVersion:
    """Department: the draft becomes the current version; rounds opened from now on use it."""
    return catalogue.publish_version(db(), caller(), number)
