"""The journal's service layer, part three: term and final marks, closing terms, statistics."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow
from kabinet_kit.paging import paginate

from . import access
from .deps import Deps
from .lookups import get_term, readable_load, visible_term
from .marks import FIVE, Stays, normalise_value, scale_message, weighted_average
from .models import Attendance, Group, Lesson, Mark, Subject, TeachingLoad, Term, TermAudit, TermMark


def _term_event(term: Term, account_id: str) -> dict:
    return {"term_id": term.id, "organisation_id": term.organisation_id, "academic_year_id": term.academic_year_id,
            "kind": term.kind, "number": term.number, "starts_on": term.starts_on, "ends_on": term.ends_on,
            "account_id": account_id}


def close_term(deps: Deps, session: Session, caller, term_id: str) -> Term:
    term = visible_term(session, caller, term_id)
    if not caller.manages(term.organisation_id):
        raise PermissionDenied("Only the institution's administrator or deputy director closes a term.")
    if term.closed_at is not None:
        raise Conflict("The term is closed already.")
    term.closed_at, term.closed_by = utcnow(), caller.account_id
    session.add(TermAudit(term_id=term.id, action="closed", account_id=caller.account_id, at=term.closed_at))
    deps.events.record(session, "journal.term.closed.v1", _term_event(term, caller.account_id))
    return term


def reopen_term(deps: Deps, session: Session, caller, term_id: str, reason: str) -> Term:
    term = visible_term(session, caller, term_id)
    if not caller.administers(term.organisation_id):
        raise PermissionDenied("Only the institution's administrator reopens a closed term.")
    if term.closed_at is None:
        raise Conflict("The term is open.")
    from .yearend import require_open_year  # yearend builds on this module
    require_open_year(session, term.organisation_id, term.academic_year_id)
    term.closed_at, term.closed_by = None, None
    session.add(TermAudit(term_id=term.id, action="reopened", account_id=caller.account_id, reason=reason,
                          at=utcnow()))
    deps.events.record(session, "journal.term.reopened.v1", _term_event(term, caller.account_id))
    return term


def term_audit(session: Session, caller, term_id: str, query: dict[str, Any]) -> dict[str, Any]:
    term = visible_term(session, caller, term_id)
    if not caller.manages(term.organisation_id):
        raise PermissionDenied("Only the institution's administration reads this.")
    return paginate(session, select(TermAudit).where(TermAudit.term_id == term.id).order_by(TermAudit.id), query)


def term_results(session: Session, caller, load_id: str, term_id: str) -> list[dict]:
    """Each pupil's weighted average (the basis for the term mark), the term mark, and the year's
    attestation (year and final marks) of the load (seed 004 §1.3)."""
    load, _ = readable_load(session, caller, load_id)
    term = get_term(session, term_id)
    if term.organisation_id != load.organisation_id:
        raise NotFound("No such term.")  # another institution's term: as a missing one
    marks = defaultdict(list)
    for child_id, value, weight in session.execute(select(Mark.child_id, Mark.value, Mark.weight).where(
            Mark.load_id == load.id, Mark.term_id == term.id)):
        marks[child_id].append((value, weight))
    set_: dict[str, dict[str, str]] = defaultdict(dict)
    for child_id, period, value in session.execute(select(TermMark.child_id, TermMark.period, TermMark.value).where(
            TermMark.load_id == load.id, or_(and_(TermMark.period == "term", TermMark.term_id == term.id),
                                             and_(TermMark.period.in_(("year", "final")),
                                                  TermMark.term_id == load.academic_year_id)))):
        set_[period][child_id] = value
    pupils = Stays.of_group(session, load.group_id).during(term.starts_on, term.ends_on)
    return [{"child_id": c, "average": weighted_average(marks.get(c, [])), "marks_count": len(marks.get(c, [])),
             "term_mark": set_["term"].get(c), "year_mark": set_["year"].get(c), "final_mark": set_["final"].get(c)}
            for c in sorted(pupils)]


def set_period_marks(deps: Deps, session: Session, caller, load_id: str, body: dict) -> list[TermMark]:
    """Term marks (period "term", for a term) or year / final attestation marks (for the load's
    year), by the load's teacher; a closed term's marks are locked."""
    load, facts = readable_load(session, caller, load_id)
    if not access.is_load_teacher(caller, facts):
        raise PermissionDenied("Term and final marks are set by the load's teacher.")
    from .yearend import require_open_year
    require_open_year(session, load.organisation_id, load.academic_year_id)
    period = body["period"]
    stays = Stays.of_group(session, load.group_id)
    if period == "term":
        if not body.get("term_id"):
            raise InvalidInput("A term is required.", errors={"term_id": ["Required for term marks."]})
        term = session.get(Term, str(body["term_id"]))
        if term is None or term.organisation_id != load.organisation_id \
                or term.academic_year_id != load.academic_year_id:
            # A missing term and another institution's look the same.
            raise InvalidInput("Not a term of this load's year.",
                               errors={"term_id": ["No such term of this load's year."]})
        if term.closed_at is not None:
            raise Conflict("The term is closed: its marks are locked.", errors={"term_id": ["The term is closed."]})
        key_term, start, end = term.id, term.starts_on, term.ends_on
    else:
        terms = session.scalars(select(Term).where(Term.organisation_id == load.organisation_id,
                                                   Term.academic_year_id == load.academic_year_id)).all()
        if not terms:
            raise InvalidInput("The institution's year has no terms.")
        key_term = load.academic_year_id
        start, end = min(t.starts_on for t in terms), max(t.ends_on for t in terms)
    members = set(stays.during(start, end))
    errors: dict[str, dict[str, list[str]]] = {}
    cleaned: list[tuple[str, str]] = []
    for i, cell in enumerate(body["marks"]):
        value = normalise_value(load.scale, cell.get("value"))
        if value is None:
            errors.setdefault(str(i), {})["value"] = [scale_message(load.scale)]
        if str(cell["child_id"]) not in members:
            errors.setdefault(str(i), {})["child_id"] = ["The pupil was not in the group in this period."]
        if value is not None:  # an invalid value is an error above: nothing is saved then
            cleaned.append((str(cell["child_id"]), value))
    if errors:
        raise InvalidInput("Nothing was saved: some marks are invalid; see errors.", errors={"marks": errors})
    existing = {m.child_id: m for m in session.scalars(select(TermMark).where(
        TermMark.load_id == load.id, TermMark.period == period, TermMark.term_id == key_term))}
    now, result, events = utcnow(), [], []
    event_type = "journal.term_mark.set.v1" if period == "term" else "journal.final_mark.set.v1"
    for child_id, value in cleaned:
        row = existing.get(child_id)
        if row is None:
            row = TermMark(load_id=load.id, child_id=child_id, period=period, term_id=key_term, value=value,
                           author_account_id=caller.account_id, recorded_at=now)
            session.add(row)
            existing[child_id] = row
        else:
            row.value, row.author_account_id, row.recorded_at = value, caller.account_id, now
        result.append(row)
        events.append((event_type, {
            "load_id": load.id, "organisation_id": load.organisation_id, "group_id": load.group_id,
            "subject_id": load.subject_id, "child_id": child_id, "period": period,
            "term_id": key_term if period == "term" else None, "academic_year_id": load.academic_year_id,
            "scale": load.scale, "value": value, "author_account_id": caller.account_id}))
    session.flush()
    deps.events.record_many(session, events)
    return result


def progress_statistics(session: Session, caller, organisation_id: str, term_id: str, *,
                        group_id: str | None = None, subject_id: str | None = None) -> list[dict]:
    """Per group × subject: pupils, marks, average, quality (share of 4 and 5), absences —
    counts only, never a name (what the department sees)."""
    if not access.can_read_statistics(caller, organisation_id):
        raise PermissionDenied("Statistics of this institution are not yours to see.")
    term = get_term(session, term_id)
    if term.organisation_id != organisation_id:
        raise NotFound("No such term.")  # another institution's term: as a missing one
    loads = session.execute(select(TeachingLoad.id, TeachingLoad.group_id, Group.name, Subject.name)
                            .join(Group, Group.id == TeachingLoad.group_id)
                            .join(Subject, Subject.id == TeachingLoad.subject_id)
                            .where(TeachingLoad.organisation_id == organisation_id,
                                   TeachingLoad.academic_year_id == term.academic_year_id,
                                   *([TeachingLoad.group_id == group_id] if group_id else []),
                                   *([TeachingLoad.subject_id == subject_id] if subject_id else []))).all()
    marks = defaultdict(list)
    for load_id, value, weight in session.execute(select(Mark.load_id, Mark.value, Mark.weight).join(
            TeachingLoad, TeachingLoad.id == Mark.load_id).where(TeachingLoad.organisation_id == organisation_id,
                                                                 Mark.term_id == term.id)):
        marks[load_id].append((value, weight))
    absences = dict(session.execute(select(Attendance.load_id, func.count()).join(
        TeachingLoad, TeachingLoad.id == Attendance.load_id).where(
        TeachingLoad.organisation_id == organisation_id, Attendance.term_id == term.id,
        Attendance.status.like("absent%")).group_by(Attendance.load_id)).all())
    lessons = dict(session.execute(select(Lesson.load_id, func.count()).join(
        TeachingLoad, TeachingLoad.id == Lesson.load_id).where(
        TeachingLoad.organisation_id == organisation_id, Lesson.term_id == term.id).group_by(Lesson.load_id)).all())
    rows = []
    for load_id, group_id, group_name, subject_name in loads:
        values = marks.get(load_id, [])
        five = [v for v, _ in values if v in FIVE]
        rows.append({"load_id": load_id, "group_id": group_id, "group": group_name, "subject": subject_name,
                     "lessons": lessons.get(load_id, 0), "marks": len(values),
                     "average": weighted_average(values),
                     "quality": round(sum(v in ("4", "5") for v in five) / len(five), 3) if five else None,
                     "absences": absences.get(load_id, 0)})
    return sorted(rows, key=lambda r: (r["group"], r["subject"], r["load_id"]))
