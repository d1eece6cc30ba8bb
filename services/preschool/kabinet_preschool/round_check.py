"""The two-rounds check (seed 000 §3.5): a kindergarten enters its observations «не реже двух раз
в течение учебного года» — at least twice a year, at its start and at its end. The read shows,
per kindergarten and year, the rounds held and flags a kindergarten missing one. «Не реже» sets a
floor, not a ceiling: a third round in a year is allowed, not refused."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import InvalidInput, PermissionDenied
from kabinet_kit.paging import page_list

from .access import Caller
from .models import AcademicYear, Organisation, Round


def halves(starts_on: date, ends_on: date, deadlines: list[date]) -> tuple[bool, bool]:
    """Whether a round falls in the first half of the year (its start) and in the second (its end)."""
    middle = starts_on + (ends_on - starts_on) / 2
    return any(d <= middle for d in deadlines), any(d > middle for d in deadlines)


def missing_rounds(starts_on: date, ends_on: date, deadlines: list[date]) -> list[str]:
    """Which of the two required rounds (``start``, ``end``) the year lacks; two rounds in one
    half still leave the other missing."""
    start, end = halves(starts_on, ends_on, deadlines)
    return [name for name, held in (("start", start), ("end", end)) if not held]


def rounds_check(session: Session, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    year = session.get(AcademicYear, str(query["academic_year_id"]))
    if year is None:
        raise InvalidInput("Unknown academic year.", errors={"academic_year_id": ["Not a known academic year."]})
    orgs = select(Organisation).where(Organisation.kind == "kindergarten")
    if query.get("organisation_id") is not None:
        orgs = orgs.where(Organisation.id == str(query["organisation_id"]))
    if not caller.is_department:
        mine = caller.admin_orgs
        if query.get("organisation_id") is not None and str(query["organisation_id"]) not in mine:
            raise PermissionDenied("Not your kindergarten.")
        orgs = orgs.where(Organisation.id.in_(mine))
    held: dict[str, list[Round]] = defaultdict(list)
    for r in session.scalars(select(Round).where(Round.academic_year_id == year.id).order_by(Round.number)):
        held[r.organisation_id].append(r)
    rows = []
    for org in session.scalars(orgs):
        rounds = held.get(org.id, [])
        missing = missing_rounds(year.starts_on, year.ends_on, [r.deadline for r in rounds])
        rows.append({"organisation_id": org.id, "name": org.short_name, "academic_year_id": year.id,
                     "rounds": [{"id": r.id, "number": r.number, "deadline": r.deadline, "status": r.status}
                                for r in rounds],
                     "complete": not missing, "missing": missing})
    if query.get("incomplete_only"):
        rows = [row for row in rows if not row["complete"]]
    return page_list(rows, query, key=lambda row: (row["name"], row["organisation_id"]))
