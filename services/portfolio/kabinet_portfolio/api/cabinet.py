"""The pupil's cabinet: «Селфи», «Капитал», «Профи», the rating opt-out; a school's electives."""
from __future__ import annotations

from typing import Any

from kabinet_kit.openapi import Blueprint

from .. import cabinet, capital
from ..clock import local_today
from . import schemas as s
from .common import caller, db, deps

blp = Blueprint("cabinet", __name__, description="The pupil's cabinet: Selfie, Capital, Profi (seed 003 §5)")


def _today() -> Any:
    return local_today(deps().settings.timezone)


@blp.get("/pupils/<uuid:pupil_id>/selfie")
@blp.response(200, s.SelfieOut)
def selfie(pupil_id: Any) -> Any:
    """«Селфи»: personal data (under the consent), goals, significant achievements, the latest
    confirmed courses and trials, points and places, the «Профстратегия» link."""
    return cabinet.selfie(db(), caller(), str(pupil_id))


@blp.put("/pupils/<uuid:pupil_id>/goals")
@blp.arguments(s.GoalsIn)
@blp.response(200, s.SelfieOut)
def set_goals(body: dict[str, Any], pupil_id: Any) -> Any:
    return cabinet.set_goals(db(), caller(), str(pupil_id), body["goals"])


@blp.put("/pupils/<uuid:pupil_id>/highlights")
@blp.arguments(s.HighlightsIn)
@blp.response(200, s.SelfieOut)
def set_highlights(body: dict[str, Any], pupil_id: Any) -> Any:
    """Five significant achievements as text to copy (§5.2.1)."""
    return cabinet.set_highlights(db(), caller(), str(pupil_id), body["highlights"])


@blp.put("/pupils/<uuid:pupil_id>/rating-participation")
@blp.arguments(s.TakingPartIn)
@blp.response(200, s.TakingPartOut)
def taking_part(body: dict[str, Any], pupil_id: Any) -> Any:
    """The pupil's portfolio takes part in the ratings or not (§6.3)."""
    return cabinet.set_taking_part(db(), caller(), str(pupil_id), body["taking_part"])


@blp.get("/pupils/<uuid:pupil_id>/capital")
@blp.response(200, s.CapitalOut)
def capital_view(pupil_id: Any) -> Any:
    """«Капитал»: achievements by category (with subsections) and level (§5.2.2)."""
    return capital.capital(db(), caller(), str(pupil_id), _today())


@blp.get("/pupils/<uuid:pupil_id>/profi")
@blp.response(200, s.ProfiPage)
def profi(pupil_id: Any) -> Any:
    return cabinet.profi(db(), caller(), str(pupil_id))


@blp.post("/pupils/<uuid:pupil_id>/profi")
@blp.arguments(s.ProfiIn)
@blp.response(201, s.ProfiOut)
def add_profi(body: dict[str, Any], pupil_id: Any) -> Any:
    return cabinet.add_profi(db(), caller(), str(pupil_id), body, _today())


@blp.post("/profi/<uuid:entry_id>/confirm")
@blp.response(200, s.ProfiOut)
def confirm_profi(entry_id: Any) -> Any:
    return cabinet.confirm_profi(db(), caller(), str(entry_id))


@blp.get("/schools/<uuid:organisation_id>/electives")
@blp.arguments(s.PageQuery, location="query")
@blp.response(200, s.ElectivePage)
def electives(query: dict[str, Any], organisation_id: Any) -> Any:
    """The electives the school runs, by title."""
    return cabinet.electives(db(), caller(), str(organisation_id), query)


@blp.post("/schools/<uuid:organisation_id>/electives")
@blp.arguments(s.ElectiveIn)
@blp.response(201, s.ElectiveOut)
def add_elective(body: dict[str, Any], organisation_id: Any) -> Any:
    """The school administration: an elective the school runs (§6.1)."""
    return cabinet.add_elective(db(), caller(), str(organisation_id), body)
