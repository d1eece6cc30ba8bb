"""Statistics (PRE-04, PRE-05) and the control of filling and guardians' activity (PRE-11)."""
from __future__ import annotations

from typing import Any

from flask import Response

from kabinet_kit.documents import PDF, attachment
from kabinet_kit.openapi import ATTACHMENT, FILE, Blueprint

from .. import stats
from ..consents import consent_register
from ..corrections import corrections_page
from ..report import analytical_report
from . import lists
from . import schemas as s
from .common import caller, db, deps

blp = Blueprint("control", __name__, description="Statistics (PRE-04, PRE-05) and the department's control (PRE-11)")


@blp.get("/statistics")
@blp.arguments(s.StatsQuery, location="query")
@blp.response(200, s.StatsOut)
def statistics(query: dict[str, Any]) -> dict[str, Any]:
    """Level distributions per card and indicator for a round number of a year, and their change
    against another round. Scope by role: ``group_id`` (its educator, the kindergarten's
    administration), ``organisation_id`` (its administration, the department), neither (the
    city: the department). Kindergarten and city cells under the threshold are hidden."""
    return stats.statistics(db(), caller(), min_cell=deps().settings.min_cell, **query)


@blp.get("/control/completeness")
@blp.arguments(s.CompletenessQuery, location="query")
@blp.response(200, s.CompletenessOut)
def completeness(query: dict[str, Any]) -> dict[str, Any]:
    """Filling of the cards per kindergarten and group against the round's deadline, with the
    guardians' activity indicator."""
    return stats.completeness(db(), caller(), activity_days=deps().settings.activity_days, **query)


@blp.get("/corrections")
@blp.arguments(lists.CorrectionQuery, location="query")
@blp.response(200, lists.CorrectionPage)
def corrections(query: dict[str, Any]) -> dict[str, Any]:
    """The audit of corrections (seed 000 §3.4, §4.2.3): every educator's entry a person
    responsible for the cabinet changed — who, when, which entry, old and new level; newest
    first. For the head of the kindergarten."""
    return corrections_page(db(), caller(), query)


@blp.get("/consents")
@blp.arguments(lists.ConsentQuery, location="query")
@blp.response(200, lists.ConsentPage)
def consents(query: dict[str, Any]) -> dict[str, Any]:
    """The register of the guardians' consents for the kindergarten's children (seed 000 §4.2.5):
    child, guardian, purpose, state, dates. For the head of the kindergarten; a child is named
    only under the preschool_cabinet consent, the guardian by id."""
    return consent_register(db(), caller(), query)


@blp.get("/reports/analytical")
@blp.arguments(s.ReportQuery, location="query")
@blp.response(200, FILE, content_type=PDF, headers=ATTACHMENT,
              description="The analytical report (PDF, in Russian)")
def analytical(query: dict[str, Any]) -> Response:
    """The analytical report (аналитическая справка, PRE-09) for a kindergarten's round, as PDF."""
    settings = deps().settings
    pdf = analytical_report(db(), caller(), str(query["round_id"]), settings.min_cell, settings.activity_days)
    return attachment(pdf, "analytical-report.pdf", PDF)
