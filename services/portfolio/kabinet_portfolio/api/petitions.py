"""Petitions to add an activity to the catalogue (POR-08)."""
from __future__ import annotations

from typing import Any

from kabinet_kit.idempotency import idempotent
from kabinet_kit.openapi import Blueprint

from .. import petitions
from ..models import IDEMPOTENCY
from . import schemas as s
from .common import caller, db, deps, idempotency_scope

blp = Blueprint("petitions", __name__, description="Petitions: a missing activity into the catalogue (§6.1)")
once = idempotent(IDEMPOTENCY, idempotency_scope)


@blp.post("/petitions")
@once
@blp.arguments(s.PetitionIn)
@blp.response(201, s.PetitionOut)
def raise_petition(body: dict[str, Any]) -> Any:
    """A pupil requests a missing activity (his school decides), or a school administrator
    petitions the department directly."""
    return petitions.raise_petition(deps(), db(), caller(), body)


@blp.get("/petitions")
@blp.arguments(s.PetitionQuery, location="query")
@blp.response(200, s.PetitionPage)
def list_petitions(query: dict[str, Any]) -> Any:
    """Own requests, the school's petitions, the department's share; newest first."""
    return petitions.listed(db(), caller(), query)


@blp.get("/petitions/<uuid:petition_id>")
@blp.response(200, s.PetitionOut)
def get_petition(petition_id: Any) -> Any:
    return petitions.get(db(), caller(), str(petition_id))


def _act(action: str, body: dict[str, Any], petition_id: Any) -> Any:
    return petitions.act(deps(), db(), caller(), str(petition_id), action, body)


@blp.post("/petitions/<uuid:petition_id>/forward")
@blp.arguments(s.PetitionDecisionIn)
@blp.response(200, s.PetitionOut)
def forward(body: dict[str, Any], petition_id: Any) -> Any:
    """The school administration approves a pupil's request into a petition to the department."""
    return _act("forward", body, petition_id)


@blp.post("/petitions/<uuid:petition_id>/refuse")
@blp.arguments(s.PetitionDecisionIn)
@blp.response(200, s.PetitionOut)
def refuse(body: dict[str, Any], petition_id: Any) -> Any:
    """The school (a request) or the department (a petition) refuses, with a reason."""
    return _act("refuse", body, petition_id)


@blp.post("/petitions/<uuid:petition_id>/include")
@blp.arguments(s.PetitionDecisionIn)
@blp.response(200, s.PetitionOut)
def include(body: dict[str, Any], petition_id: Any) -> Any:
    """The department includes the activity in the catalogue (with its base points)."""
    return _act("include", body, petition_id)
