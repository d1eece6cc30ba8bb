"""The school year's structure an institution's administration sets up: terms, holidays,
subjects, curriculum hours and mark kinds."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput
from kabinet_kit.paging import page_list, paginate

from .access import Caller
from .deps import Deps
from .lookups import mark_kinds, require_manager, require_structure_reader
from .models import AcademicYear, CurriculumHours, Holiday, MarkKind, Subject, Term

TERM_COUNTS = {"quarter": 4, "half": 2, "trimester": 3}


@dataclass(frozen=True)
class TermSpan:
    kind: str
    number: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class YearSpan:
    name: str
    starts_on: date
    ends_on: date


def term_problems(term: TermSpan, year: YearSpan, siblings: Sequence[TermSpan]) -> dict[str, list[str]]:
    """Why ``term`` does not fit the institution's year beside its other terms (empty: it fits).
    A year is divided into terms of one kind, numbered within that kind, never overlapping."""
    errors: dict[str, list[str]] = {}
    if term.number > TERM_COUNTS[term.kind]:
        errors["number"] = [f"A year has {TERM_COUNTS[term.kind]} terms of kind {term.kind}."]
    if term.ends_on < term.starts_on:
        errors["ends_on"] = ["Ends before it starts."]
    if term.starts_on < year.starts_on or term.ends_on > year.ends_on:
        errors["starts_on"] = [f"The term must lie within the academic year {year.name}."]
    if any(t.kind != term.kind for t in siblings):
        errors["kind"] = ["The institution's year is divided into terms of another kind."]
    if any(t.number == term.number for t in siblings):
        errors["number"] = ["This term exists already."]
    if any(t.starts_on <= term.ends_on and term.starts_on <= t.ends_on for t in siblings):
        errors.setdefault("starts_on", []).append("Overlaps another term.")
    return errors


def create_term(deps: Deps, session: Session, caller: Caller, data: dict[str, Any]) -> Term:
    org, year_id = str(data["organisation_id"]), str(data["academic_year_id"])
    require_manager(caller, org)
    year = session.get(AcademicYear, year_id)
    if year is None:
        raise InvalidInput("Unknown academic year.", errors={"academic_year_id": ["No such academic year."]})
    kind, number, starts, ends = data["kind"], data["number"], data["starts_on"], data["ends_on"]
    siblings = session.scalars(select(Term).where(Term.organisation_id == org, Term.academic_year_id == year_id)).all()
    errors = term_problems(TermSpan(kind, number, starts, ends), YearSpan(year.name, year.starts_on, year.ends_on),
                           [TermSpan(t.kind, t.number, t.starts_on, t.ends_on) for t in siblings])
    if errors:
        raise InvalidInput("The term does not fit the year.", errors=errors)
    term = Term(organisation_id=org, academic_year_id=year_id, kind=kind, number=number, starts_on=starts, ends_on=ends)
    session.add(term)
    session.flush()
    return term


def list_terms(session: Session, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    organisation_id = str(query["organisation_id"])
    require_structure_reader(session, caller, organisation_id)
    statement = select(Term).where(Term.organisation_id == organisation_id)
    if query.get("academic_year_id"):
        statement = statement.where(Term.academic_year_id == str(query["academic_year_id"]))
    return paginate(session, statement.order_by(Term.starts_on, Term.id), query)


def create_holiday(session: Session, caller: Caller, data: dict) -> Holiday:
    org = str(data["organisation_id"])
    require_manager(caller, org)
    if data["ends_on"] < data["starts_on"]:
        raise InvalidInput("Ends before it starts.", errors={"ends_on": ["Ends before it starts."]})
    holiday = Holiday(organisation_id=org, starts_on=data["starts_on"], ends_on=data["ends_on"], name=data["name"])
    session.add(holiday)
    session.flush()
    return holiday


def list_holidays(session: Session, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    organisation_id = str(query["organisation_id"])
    require_structure_reader(session, caller, organisation_id)
    statement = select(Holiday).where(Holiday.organisation_id == organisation_id)
    if query.get("on"):
        statement = statement.where(Holiday.starts_on <= query["on"], Holiday.ends_on >= query["on"])
    return paginate(session, statement.order_by(Holiday.starts_on, Holiday.id), query)


def list_curriculum(session: Session, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    organisation_id = str(query["organisation_id"])
    require_structure_reader(session, caller, organisation_id)
    statement = select(CurriculumHours).where(CurriculumHours.organisation_id == organisation_id)
    for name in ("academic_year_id", "grade_level", "subject_id"):
        if query.get(name) is not None:
            value = query[name] if name == "grade_level" else str(query[name])
            statement = statement.where(getattr(CurriculumHours, name) == value)
    return paginate(session, statement.order_by(CurriculumHours.academic_year_id, CurriculumHours.grade_level,
                                                CurriculumHours.subject_id, CurriculumHours.id), query)


def create_subject(session: Session, caller: Caller, data: dict) -> Subject:
    org = str(data["organisation_id"])
    require_manager(caller, org)
    name = data["name"].strip()
    if session.scalar(select(Subject).where(Subject.organisation_id == org, Subject.name == name)):
        raise Conflict("The subject exists already.", errors={"name": ["Already exists."]})
    subject = Subject(organisation_id=org, name=name)
    session.add(subject)
    session.flush()
    return subject


def set_curriculum_hours(session: Session, caller: Caller, data: dict) -> CurriculumHours:
    org = str(data["organisation_id"])
    require_manager(caller, org)
    subject = session.get(Subject, str(data["subject_id"]))
    if subject is None or subject.organisation_id != org:
        raise InvalidInput("Unknown subject.", errors={"subject_id": ["Not a subject of this institution."]})
    key = (CurriculumHours.organisation_id == org, CurriculumHours.academic_year_id == str(data["academic_year_id"]),
           CurriculumHours.grade_level == data.get("grade_level") if data.get("grade_level") is not None
           else CurriculumHours.grade_level.is_(None), CurriculumHours.subject_id == subject.id)
    row = session.scalar(select(CurriculumHours).where(*key))
    if row is None:
        row = CurriculumHours(organisation_id=org, academic_year_id=str(data["academic_year_id"]),
                              grade_level=data.get("grade_level"), subject_id=subject.id, hours=data["hours"])
        session.add(row)
    else:
        row.hours = data["hours"]
    session.flush()
    return row


def list_subjects(session: Session, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    organisation_id = str(query["organisation_id"])
    require_structure_reader(session, caller, organisation_id)
    return paginate(session, select(Subject).where(Subject.organisation_id == organisation_id)
                    .order_by(Subject.name, Subject.id), query)


def list_mark_kinds(session: Session, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    organisation_id = str(query["organisation_id"])
    require_structure_reader(session, caller, organisation_id)
    # The city's default kinds and the institution's own, merged: a handful, paged in memory.
    return page_list(mark_kinds(session, organisation_id).values(), query, key=lambda k: k.code)


def create_mark_kind(session: Session, caller: Caller, data: dict) -> MarkKind:
    org = str(data["organisation_id"])
    require_manager(caller, org)
    if session.scalar(select(MarkKind).where(MarkKind.organisation_id == org, MarkKind.code == data["code"])):
        raise Conflict("This kind exists already.", errors={"code": ["Already exists."]})
    kind = MarkKind(organisation_id=org, code=data["code"], name=data["name"], weight=data["weight"])
    session.add(kind)
    session.flush()
    return kind
