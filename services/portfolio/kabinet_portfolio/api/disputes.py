"""Disputes about an achievement's categorisation or refusal (POR-24..26)."""
from __future__ import annotations

from typing import Any

from kabinet_kit.idempotency import idempotent
from kabinet_kit.openapi import Blueprint

from .. import disputes
from ..clock import local_today
from ..models import IDEMPOTENCY
from . import schemas as s
from .common import caller, db, deps, idempotency_scope

blp = Blueprint("disputes", __name__, description="Disputes: answered within five working days (§8)")
once = idempotent(IDEMPOTENCY, idempotency_scope)


def _today() -> Any:
    return local_today(deps().settings.timezone)


def _out(dispute: Any) -> dict[str, Any]:
    return {**{c: getattr(dispute, c) for c in (
        "id", "achievement_id", "pupil_id", "organisation_id", "subject", "text", "opened_on", "due_on", "state",
        "answer", "cited_activity_id", "answered_at")}, "overdue": disputes.is_overdue(dispute, _today())}


@blp.post("/achievements/<uuid:achievement_id>/disputes")
@once
@blp.arguments(s.DisputeIn)
@blp.response(201, s.DisputeOut)
def open_dispute(body: dict[str, Any], achievement_id: Any) -> Any:
    """The pupil or a guardian disputes; due in five working days (Russian production calendar)."""
    return _out(disputes.open_dispute(deps(), db(), caller(), str(achievement_id), body, _today()))


@blp.get("/disputes")
@blp.arguments(s.DisputeQuery, location="query")
@blp.response(200, s.DisputePage)
def list_disputes(query: dict[str, Any]) -> Any:
    """The administration's (its schools), the department's (the city), or one pupil's; ``overdue``;
    the earliest due first."""
    found = disputes.listed(db(), caller(), query, _today())
    return {**found, "items": [_out(d) for d in found["items"]]}


@blp.get("/disputes/<uuid:dispute_id>")
@blp.response(200, s.DisputeOut)
def get_dispute(dispute_id: Any) -> Any:
    return _out(disputes.get(db(), caller(), str(dispute_id)))


@blp.post("/disputes/<uuid:dispute_id>/answer")
@blp.arguments(s.DisputeAnswerIn)
@blp.response(200, s.DisputeOut)
def answer(body: dict[str, Any], dispute_id: Any) -> Any:
    """The school administrator's decision, citing the catalogue (§8.1)."""
    return _out(disputes.answer(deps(), db(), caller(), str(dispute_id), body))
