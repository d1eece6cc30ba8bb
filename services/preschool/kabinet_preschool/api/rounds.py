"""Monitoring rounds with deadlines (PRE-08)."""
from __future__ import annotations

from typing import Any

from kabinet_kit.idempotency import idempotent
from kabinet_kit.openapi import Blueprint

from .. import rounds
from ..models import IDEMPOTENCY
from . import examples as ex
from . import schemas as s
from .common import caller, db, deps, idempotency_scope

blp = Blueprint("rounds", __name__, description="Monitoring rounds with deadlines (PRE-08)")
once = idempotent(IDEMPOTENCY, idempotency_scope)


@blp.post("/rounds")
@once
@blp.arguments(s.RoundIn, example=ex.ROUND_IN)
@blp.response(201, s.RoundOut)
def open_round(body: dict[str, Any]) -> dict[str, Any]:
    """Department: open a monitoring round for a kindergarten and year, with its deadline."""
    session = db()
    return rounds.round_out(session, rounds.open_round(deps(), session, caller(), body))


@blp.get("/rounds")
@blp.arguments(s.RoundQuery, location="query")
@blp.response(200, s.RoundOut(many=True))
def list_rounds(query: dict[str, Any]) -> list[dict[str, Any]]:
    """The department sees every round; kindergarten staff see their own kindergarten's."""
    return rounds.list_rounds(db(), caller(), query["organisation_id"], query["academic_year_id"])


@blp.patch("/rounds/<uuid:round_id>")
@blp.arguments(s.RoundPatch, example=ex.ROUND_PATCH)
@blp.response(200, s.RoundOut)
def change_round(body: dict[str, Any], round_id: Any) -> dict[str, Any]:
    """Department: move the deadline, or close the round (closed rounds accept no observations)."""
    session = db()
    return rounds.round_out(session, rounds.change_round(deps(), session, caller(), str(round_id), body))
