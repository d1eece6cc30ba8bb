from flask_smorest import Blueprint

from kabinet_kit.web import idempotent

from .. import schemas as s
from .. import services
from ..models import IDEMPOTENCY
from .common import caller, db, deps, idempotency_scope

blp = Blueprint("rounds", __name__, description="Monitoring rounds with deadlines (seed 000 §3.5, §4.3.1)")
once = idempotent(IDEMPOTENCY, idempotency_scope)


@blp.post("/rounds")
@once
@blp.arguments(s.RoundIn)
@blp.response(201, s.RoundOut)
def open_round(body):
    """Department: open a monitoring round for a kindergarten and year, with its deadline."""
    session = db()
    r = services.open_round(deps(), session, caller(), body)
    return services.round_out(session, r)


@blp.get("/rounds")
@blp.arguments(s.RoundQuery, location="query")
@blp.response(200, s.RoundOut(many=True))
def list_rounds(query):
    """The department sees every round; kindergarten staff see their own kindergarten's."""
    return services.list_rounds(db(), caller(), query["organisation_id"], query["academic_year_id"])


@blp.patch("/rounds/<uuid:round_id>")
@blp.arguments(s.RoundPatch)
@blp.response(200, s.RoundOut)
def change_round(body, round_id):
    """Department: move the deadline, or close the round (closed rounds accept no observations)."""
    session = db()
    r = services.change_round(deps(), session, caller(), str(round_id), body)
    return services.round_out(session, r)
