"""The activity catalogue (POR-06..08), the coefficient table (POR-18) and the department's
settings."""
from __future__ import annotations

from typing import Any

from kabinet_kit.idempotency import idempotent
from kabinet_kit.openapi import Blueprint

from .. import catalogue
from ..models import IDEMPOTENCY
from . import schemas as s
from .common import caller, db, deps, idempotency_scope

blp = Blueprint("catalogue", __name__, description="Activity catalogue, coefficient table, department settings")
once = idempotent(IDEMPOTENCY, idempotency_scope)


@blp.get("/activities")
@blp.arguments(s.ActivityQuery, location="query")
@blp.response(200, s.ActivityPage)
def list_activities(query: dict[str, Any]) -> Any:
    """The city catalogue (every signed-in user): by category, level or a word of the title;
    by category and title."""
    caller()
    return catalogue.list_activities(db(), query)


@blp.get("/activities/categories")
@blp.response(200)
def categories() -> Any:
    """Categories with their subsections (seed 003 §5.2.2) and levels."""
    caller()
    return {"categories": [{"code": code, "title": title,
                            "subsections": [{"code": k, "title": v} for k, v in subs.items()]}
                           for code, (title, subs) in catalogue.CATEGORIES.items()],
            "levels": [{"code": k, "title": v} for k, v in catalogue.LEVEL_NAMES.items()],
            "version": catalogue.current_version(db())}


@blp.post("/activities")
@once
@blp.arguments(s.ActivityIn)
@blp.response(201, s.ActivityOut)
def add_activity(body: dict[str, Any]) -> Any:
    """Department: a new activity (a new catalogue version)."""
    return catalogue.add_activity(deps(), db(), caller(), body)


@blp.get("/activities/<uuid:activity_id>")
@blp.response(200, s.ActivityOut)
def get_activity(activity_id: Any) -> Any:
    caller()
    return catalogue.get_activity(db(), str(activity_id))


@blp.patch("/activities/<uuid:activity_id>")
@blp.arguments(s.ActivityChange)
@blp.response(200, s.ActivityOut)
def change_activity(body: dict[str, Any], activity_id: Any) -> Any:
    """Department: change or withdraw (``active: false``) an activity (a new catalogue version)."""
    return catalogue.change_activity(deps(), db(), caller(), str(activity_id), body)


@blp.get("/activities/<uuid:activity_id>/revisions")
@blp.arguments(s.PageQuery, location="query")
@blp.response(200, s.RevisionPage)
def activity_revisions(query: dict[str, Any], activity_id: Any) -> Any:
    """The activity's catalogue versions, the oldest first."""
    caller()
    return catalogue.revisions(db(), str(activity_id), query)


@blp.get("/coefficients")
@blp.arguments(s.PageQuery, location="query")
@blp.response(200, s.CoefficientsPage)
def list_coefficients(query: dict[str, Any]) -> Any:
    """Every version of the coefficient table, the current first."""
    caller()
    return catalogue.list_tables(db(), query)


@blp.post("/coefficients")
@once
@blp.arguments(s.CoefficientsIn)
@blp.response(201, s.CoefficientsOut)
def publish_coefficients(body: dict[str, Any]) -> Any:
    """Department: a new version of the table; every pupil's points are recomputed by the jobs
    process, each change an event."""
    return catalogue.publish_table(deps(), db(), caller(), body["coefficients"])


@blp.get("/settings")
@blp.response(200, s.SettingsOut)
def get_settings() -> Any:
    caller()
    return catalogue.settings_of(db())


@blp.patch("/settings")
@blp.arguments(s.SettingsIn)
@blp.response(200, s.SettingsOut)
def change_settings(body: dict[str, Any]) -> Any:
    """Department: the grace period before a revoked portfolio is deleted, the «Профстратегия» link."""
    return catalogue.change_settings(db(), caller(), body)
