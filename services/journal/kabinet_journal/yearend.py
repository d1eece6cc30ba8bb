"""Closing an institution's academic year (JRN-10).

Closing is the administrator's, once and for good: every term still open is closed (and
audited), year marks are computed from the term marks for the pupils in each group at the
end of the year (a year mark the teacher has already set is kept), and the year is frozen —
its plans and day attendance refuse changes, its terms their marks.

Moving groups into the next year is identity's: it forms the next year's groups
(``identity.group.created.v1``) and records the transfers 5А → 6А and the withdrawals of
leavers (``identity.child.transferred.v1`` / ``withdrawn.v1``); the journal's consumer applies
them to its memberships. ``year_movements`` shows, in figures, where each group's pupils went.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput, PermissionDenied
from kabinet_kit.events import utcnow

from .deps import Deps, local_today
from .marks import FIVE, Stays
from .models import AcademicYear, Group, Membership, TeachingLoad, Term, TermAudit, TermMark, YearClosing


# -- the rule (pure) ------------------------------------------------------------------------
def year_mark(scale: str, term_values: list[str]) -> str | None:
    """The year mark from a pupil's term marks: on the five-point scale the mean rounded half
    up (3.5 → 4); pass/fail is "pass" only when every term was passed. None without marks."""
    if scale == "five":
        values = [int(v) for v in term_values if v in FIVE]
        if not values:
            return None
        mean = Decimal(sum(values)) / Decimal(len(values))
        return str(int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    outcomes = [v for v in term_values if v in ("pass", "fail")]
    if not outcomes:
        return None
    return "pass" if all(v == "pass" for v in outcomes) else "fail"


@dataclass
class YearMarks:
    #: (load, child, year mark) to record.
    computed: list[tuple[str, str, str]] = field(default_factory=list)
    #: Pupils whose year mark the teacher had set already.
    kept: int = 0
    #: Pupils with no term mark to compute one from.
    missing: int = 0


def decide_year_marks(on: date, loads: Sequence[tuple[str, str, str]],
                      stays_by_group: Mapping[str, Sequence[tuple[str, date, date | None]]],
                      term_values: Mapping[tuple[str, str], list[str]],
                      year_set: Collection[tuple[str, str]]) -> YearMarks:
    """Year marks for the pupils in each load's group ``on`` the day (``loads`` as (id, group,
    scale)): a mark already set is kept, otherwise computed from the term marks."""
    out = YearMarks()
    for load_id, group_id, scale in loads:
        stays = Stays(stays_by_group.get(group_id, []))
        for child_id in sorted(c for c in stays.by_child if stays.member(c, on)):
            if (load_id, child_id) in year_set:
                out.kept += 1
                continue
            value = year_mark(scale, term_values.get((load_id, child_id), []))
            if value is None:
                out.missing += 1
            else:
                out.computed.append((load_id, child_id, value))
    return out


# -- the frozen year ------------------------------------------------------------------------
def closing_of(session: Session, organisation_id: str, academic_year_id: str) -> YearClosing | None:
    return session.scalar(select(YearClosing).where(YearClosing.organisation_id == organisation_id,
                                                    YearClosing.academic_year_id == academic_year_id))


def require_open_year(session: Session, organisation_id: str, academic_year_id: str) -> None:
    if closing_of(session, organisation_id, academic_year_id) is not None:
        raise Conflict("The academic year is closed: its journal is frozen.",
                       errors={"academic_year_id": ["The academic year is closed."]})


# -- closing ----------------------------------------------------------------------------------
def close_year(deps: Deps, session: Session, caller, organisation_id: str, academic_year_id: str) -> dict:
    if not caller.administers(organisation_id):
        raise PermissionDenied("Only the institution's administrator closes its academic year.")
    year = session.get(AcademicYear, academic_year_id)
    if year is None:
        raise InvalidInput("Unknown academic year.", errors={"academic_year_id": ["No such academic year."]})
    if closing_of(session, organisation_id, academic_year_id) is not None:
        raise Conflict("The academic year is closed already.", errors={"academic_year_id": ["Closed already."]})
    terms = session.scalars(select(Term).where(Term.organisation_id == organisation_id,
                                               Term.academic_year_id == academic_year_id)
                            .order_by(Term.starts_on)).all()
    # A kindergarten's year has no terms: closing it freezes its days and fees all the same.
    now, author, events = utcnow(), caller.account_id, []
    terms_closed = 0
    for term in terms:
        if term.closed_at is None:
            term.closed_at, term.closed_by = now, author
            session.add(TermAudit(term_id=term.id, action="closed", account_id=author, reason="year closed", at=now))
            events.append(("journal.term.closed.v1", {
                "term_id": term.id, "organisation_id": term.organisation_id,
                "academic_year_id": term.academic_year_id, "kind": term.kind, "number": term.number,
                "starts_on": term.starts_on, "ends_on": term.ends_on, "account_id": author}))
            terms_closed += 1

    # The pupils of each group at the end of the year (or today, when closing earlier).
    on = min(local_today(deps), terms[-1].ends_on if terms else year.ends_on)
    loads = session.scalars(select(TeachingLoad).where(TeachingLoad.organisation_id == organisation_id,
                                                       TeachingLoad.academic_year_id == academic_year_id)).all()
    load_ids = [ld.id for ld in loads]
    term_values, year_set = defaultdict(list), set()
    if load_ids:
        for load_id, child_id, period, value in session.execute(
                select(TermMark.load_id, TermMark.child_id, TermMark.period, TermMark.value)
                .where(TermMark.load_id.in_(load_ids), TermMark.period.in_(("term", "year")))):
            if period == "term":
                term_values[(load_id, child_id)].append(value)
            else:
                year_set.add((load_id, child_id))
    stays_by_group = defaultdict(list)
    group_ids = {ld.group_id for ld in loads}
    if group_ids:
        for row in session.execute(select(Membership.group_id, Membership.child_id, Membership.starts_on,
                                          Membership.ends_on).where(Membership.group_id.in_(group_ids))):
            stays_by_group[row.group_id].append((row.child_id, row.starts_on, row.ends_on))
    marks = decide_year_marks(on, [(ld.id, ld.group_id, ld.scale) for ld in loads], stays_by_group, term_values,
                              year_set)
    computed, kept, missing = len(marks.computed), marks.kept, marks.missing
    by_id = {ld.id: ld for ld in loads}
    rows = []
    for load_id, child_id, value in marks.computed:
        load = by_id[load_id]
        rows.append(TermMark(load_id=load.id, child_id=child_id, period="year", term_id=academic_year_id,
                             value=value, author_account_id=author, recorded_at=now))
        events.append(("journal.final_mark.set.v1", {
            "load_id": load.id, "organisation_id": load.organisation_id, "group_id": load.group_id,
            "subject_id": load.subject_id, "child_id": child_id, "period": "year", "term_id": None,
            "academic_year_id": academic_year_id, "scale": load.scale, "value": value,
            "author_account_id": author}))
    session.add_all(rows)
    closing = YearClosing(organisation_id=organisation_id, academic_year_id=academic_year_id, closed_by=author,
                          closed_at=now, terms_closed=terms_closed, year_marks_computed=computed,
                          year_marks_kept=kept, pupils_without_term_marks=missing)
    session.add(closing)
    session.flush()
    events.append(("journal.year.closed.v1", {
        "organisation_id": organisation_id, "academic_year_id": academic_year_id, "terms_closed": terms_closed,
        "year_marks_computed": computed, "year_marks_kept": kept, "pupils_without_term_marks": missing,
        "account_id": author}))
    deps.events.record_many(session, events)
    return year_report(session, caller, organisation_id, academic_year_id)


def _closing_out(closing: YearClosing | None) -> dict | None:
    if closing is None:
        return None
    return {"closed_at": closing.closed_at.isoformat(), "closed_by": closing.closed_by,
            "terms_closed": closing.terms_closed, "year_marks_computed": closing.year_marks_computed,
            "year_marks_kept": closing.year_marks_kept,
            "pupils_without_term_marks": closing.pupils_without_term_marks}


def year_report(session: Session, caller, organisation_id: str, academic_year_id: str) -> dict:
    """The closing (if done) and where each group's pupils went — figures only, no names, so
    the department may read it too."""
    if not (caller.manages(organisation_id) or caller.is_department):
        raise PermissionDenied("The year's closing is the institution's administration's to see.")
    if session.get(AcademicYear, academic_year_id) is None:
        raise InvalidInput("Unknown academic year.", errors={"academic_year_id": ["No such academic year."]})
    closing = closing_of(session, organisation_id, academic_year_id)
    return {"organisation_id": organisation_id, "academic_year_id": academic_year_id, "closed": closing is not None,
            "closing": _closing_out(closing), "groups": year_movements(session, organisation_id, academic_year_id)}


class _GroupMovements(TypedDict):
    group_id: str
    name: str
    grade_level: int | None
    still_in_group: int
    withdrawn: int
    moved_to: defaultdict[str, int]


def year_movements(session: Session, organisation_id: str, academic_year_id: str) -> list[dict]:
    groups = session.scalars(select(Group).where(Group.organisation_id == organisation_id,
                                                 Group.academic_year_id == academic_year_id)
                             .order_by(Group.grade_level, Group.name)).all()
    if not groups:
        return []
    ids = [g.id for g in groups]
    left = session.execute(select(Membership.child_id, Membership.group_id, Membership.ends_on)
                           .where(Membership.group_id.in_(ids))).all()
    children = {c for c, _, _ in left}
    later = defaultdict(list)  # child → stays that began after one ended
    for row in session.execute(select(Membership.child_id, Membership.group_id, Membership.starts_on)
                               .where(Membership.child_id.in_(children))):
        later[row.child_id].append((row.starts_on, row.group_id))
    targets = {g.id: g for g in session.scalars(select(Group).where(
        Group.id.in_({gid for stays in later.values() for _, gid in stays})))}
    out: dict[str, _GroupMovements] = {
        g.id: {"group_id": g.id, "name": g.name, "grade_level": g.grade_level, "still_in_group": 0,
               "withdrawn": 0, "moved_to": defaultdict(int)} for g in groups}
    for child_id, group_id, ends_on in left:
        entry = out[group_id]
        if ends_on is None:
            entry["still_in_group"] += 1
            continue
        following = [gid for start, gid in later[child_id] if start == ends_on + timedelta(days=1)]
        if following:
            entry["moved_to"][following[0]] += 1
        else:
            entry["withdrawn"] += 1
    result = []
    for entry in out.values():
        moved = [{"group_id": gid, "name": targets[gid].name if gid in targets else None,
                  "academic_year_id": targets[gid].academic_year_id if gid in targets else None, "pupils": n}
                 for gid, n in sorted(entry["moved_to"].items())]
        result.append({**entry, "moved_to": moved})
    return result
