"""Monitoring rounds with deadlines (PRE-08)."""
from __future__ import annotations

from typing import Any

from kabinet_kit.idempotency import idempotent
from kabinet_kit.openapi import Blueprint

from .. import round_check, rounds
from ..models import IDEMPOTENCY
from . import examples as ex
from . import lists
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
@blp.arguments(lists.RoundQuery, location="query")
@blp.response(200, lists.RoundPage)
def list_rounds(query: dict[str, Any]) -> dict[str, Any]:
    """The department sees every round; kindergarten staff see their own kindergarten's. By
    kindergarten, year and number."""
    return rounds.list_rounds(db(), caller(), query)


@blp.get("/control/rounds")
@blp.arguments(lists.RoundsCheckQuery, location="query")
@blp.response(200, lists.RoundsCheckPage)
def rounds_check(query: dict[str, Any]) -> dict[str, Any]:
    """The two-rounds check (seed 000 §3.5): per kindergarten, the year's rounds and whether the
    start-of-year and end-of-year rounds are both held; ``missing`` names the one lacking. A
    third round is allowed («не реже двух раз»). The department: every kindergarten; a
    kindergarten's administration: its own."""
    return round_check.rounds_check(db(), caller(), query)


@blp.patch("/rounds/<uuid:round_id>")
@blp.arguments(s.RoundPatch, example=ex.ROUND_PATCH)
@blp.response(200, s.RoundOut)
def change_round(body: dict[str, Any], round_id: Any) -> dict[str, Any]:
    """Department: move the deadline, or close the round (closed rounds accept no observations)."""
    session = db()
    return rounds.round_out(session, rounds.change_round(deps(), session, caller(), str(round_id), body))
