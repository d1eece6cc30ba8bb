from flask_smorest import Blueprint

from .. import schemas as s
from .. import services
from ..models import IDEMPOTENCY
from .common import caller, db, idempotency_scope
from kabinet_kit.web import idempotent

blp = Blueprint("catalogue", __name__, description="The card catalogue: versioned data (seed 000 §2.1–2.2, 2.5)")
once = idempotent(IDEMPOTENCY, idempotency_scope)


@blp.get("/catalogue")
@blp.arguments(s.CatalogueQuery, location="query")
@blp.response(200, s.CatalogueOut)
def get_catalogue(query):
    """The cards with their indicators, level scales and descriptions: the current version, or
    the one named; optionally one age band."""
    caller()
    session = db()
    version = services.version_by_number(session, query["version"]) if query["version"] else \
        services.current_version(session)
    return services.catalogue_tree(session, version, query["age_band"])


@blp.get("/catalogue/versions")
@blp.response(200, s.VersionOut(many=True))
def list_versions():
    caller()
    return services.list_versions(db())


@blp.post("/catalogue/versions")
@once
@blp.arguments(s.VersionIn)
@blp.response(201, s.VersionOut)
def create_version(body):
    """Department: a new draft version, by default a copy of the current one (seed 000 §2.5)."""
    return services.create_version(db(), caller(), body)


@blp.post("/catalogue/versions/<int:number>/cards")
@once
@blp.arguments(s.CardIn)
@blp.response(201, s.CardOut)
def add_card(body, number):
    card = services.add_card(db(), caller(), number, body)
    return {"id": card.id, "code": card.code, "title": card.title, "indicators": []}


@blp.post("/catalogue/versions/<int:number>/indicators")
@once
@blp.arguments(s.IndicatorIn)
@blp.response(201, s.IndicatorOut)
def add_indicator(body, number):
    """Department: an indicator for a card and age band, with its level scale (1…n) and descriptions."""
    ind = services.add_indicator(db(), caller(), number, body)
    return {"id": ind.id, "code": ind.code, "age_band": ind.age_band, "title": ind.title, "max_level": ind.max_level,
            "levels": sorted(body["levels"], key=lambda lv: lv["level"])}


@blp.post("/catalogue/versions/<int:number>/publish")
@blp.response(200, s.VersionOut)
def publish_version(number):
    """Department: the draft becomes the current version; rounds opened from now on use it."""
    return services.publish_version(db(), caller(), number)
