"""The teacher's grid, the journal's busiest read: one group × subject × term with pupils,
lessons, marks, attendance, averages and term marks, in a fixed number of queries."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import NotFound

from . import access
from .access import Caller, LoadFacts
from .marks import weighted_average
from .models import Attendance, Lesson, Mark, Membership, PersonName, Substitution, TeachingLoad, Term, TermMark

# The grid is the journal's busiest read: its statements are built once, on Core tables, so a
# request neither rebuilds SQL nor pays the ORM's per-row machinery — rows come back as tuples.
_loads, _terms, _subs = TeachingLoad.__table__, Term.__table__, Substitution.__table__
_lessons, _marks, _attendance, _term_marks = Lesson.__table__, Mark.__table__, Attendance.__table__, TermMark.__table__
_stays, _names = Membership.__table__, PersonName.__table__
# The load, its substitutions and the asked term in one statement: one row per substitution
# (one without any), the term's columns NULL when there is no such term.
_GRID_LOAD = (select(_loads.c.organisation_id, _loads.c.academic_year_id, _loads.c.group_id, _loads.c.subject_id,
                     _loads.c.teacher_account_id, _loads.c.scale, _subs.c.account_id, _subs.c.starts_on,
                     _subs.c.ends_on, _terms.c.id, _terms.c.organisation_id, _terms.c.academic_year_id,
                     _terms.c.number, _terms.c.kind, _terms.c.starts_on, _terms.c.ends_on, _terms.c.closed_at)
              .select_from(_loads.outerjoin(_subs, _subs.c.load_id == _loads.c.id)
                           .outerjoin(_terms, _terms.c.id == bindparam("term_id")))
              .where(_loads.c.id == bindparam("load_id")))
_GRID_LESSONS = (select(_lessons.c.id, _lessons.c.date, _lessons.c.period, _lessons.c.kind, _lessons.c.topic,
                        _lessons.c.homework, _lessons.c.topic_late)
                 .where(_lessons.c.load_id == bindparam("load_id"), _lessons.c.term_id == bindparam("term_id"))
                 .order_by(_lessons.c.date, _lessons.c.period))
# The group's stays with the pupils' names (a name is there only while the child is enrolled).
_GRID_STAYS = (select(_stays.c.child_id, _stays.c.starts_on, _stays.c.ends_on, _names.c.last_name,
                      _names.c.first_name, _names.c.middle_name)
               .select_from(_stays.outerjoin(_names, _names.c.person_id == _stays.c.child_id))
               .where(_stays.c.group_id == bindparam("group_id")))
_GRID_MARKS = select(_marks.c.child_id, _marks.c.id, _marks.c.lesson_id, _marks.c.kind, _marks.c.weight,
                     _marks.c.value, _marks.c.author_account_id).where(
    _marks.c.load_id == bindparam("load_id"), _marks.c.term_id == bindparam("term_id"))
_GRID_ATTENDANCE = select(_attendance.c.lesson_id, _attendance.c.child_id, _attendance.c.status).where(
    _attendance.c.load_id == bindparam("load_id"), _attendance.c.term_id == bindparam("term_id"))
# The term's marks and the year's attestation (year and final marks, kept under the year's id).
_GRID_TERM_MARKS = select(_term_marks.c.child_id, _term_marks.c.period, _term_marks.c.value).where(
    _term_marks.c.load_id == bindparam("load_id"),
    or_(and_(_term_marks.c.period == "term", _term_marks.c.term_id == bindparam("term_id")),
        and_(_term_marks.c.period.in_(("year", "final")), _term_marks.c.term_id == bindparam("year_id"))))


def grid(session: Session, caller: Caller, load_id: str, term_id: str) -> dict[str, Any]:
    """One group × subject × term: pupils (with names while enrolled), lessons, marks,
    attendance, weighted averages and term marks — in a fixed number of queries."""
    conn = session.connection()
    rows = conn.execute(_GRID_LOAD, {"load_id": load_id, "term_id": term_id}).all()
    if not rows:
        raise NotFound("No such teaching load.")
    (org, year, group_id, subject_id, teacher, scale, _a, _s, _e,
     t_id, t_org, t_year, t_number, t_kind, t_starts, t_ends, t_closed) = rows[0]
    facts = LoadFacts(org, group_id, teacher, tuple((a, s, e) for _o, _y, _g, _su, _t, _sc, a, s, e, *_ in rows
                                                   if a is not None))
    if not access.can_read_load(caller, facts):
        raise NotFound("No such teaching load.")  # a load the caller may not read looks missing
    if t_id is None or t_org != org or t_year != year:
        raise NotFound("No such term for this teaching load.")
    keys = {"load_id": load_id, "term_id": t_id}
    lessons = conn.execute(_GRID_LESSONS, keys).all()
    # Pupils in the group at any time during the term, as Stays.during() counts them.
    names, pupil_ids = {}, {}
    for child_id, start, end, last, first, middle in conn.execute(_GRID_STAYS, {"group_id": group_id}).all():
        names[child_id] = (last, first, middle)
        if start <= t_ends and (end is None or end >= t_starts):
            pupil_ids[child_id] = True
    marks_by_child: dict[str, list[dict[str, Any]]] = defaultdict(list)
    attendance_by_child: dict[str, dict[str, str]] = defaultdict(dict)
    for child_id, mark_id, lesson_id, kind, weight, value, author in conn.execute(_GRID_MARKS, keys).all():
        marks_by_child[child_id].append({"id": mark_id, "lesson_id": lesson_id, "kind": kind, "weight": weight,
                                         "value": value, "author_account_id": author})
    for lesson_id, child_id, status in conn.execute(_GRID_ATTENDANCE, keys).all():
        attendance_by_child[child_id][lesson_id] = status
    period_marks: dict[str, dict[str, str]] = defaultdict(dict)
    for child_id, period, value in conn.execute(_GRID_TERM_MARKS, {**keys, "year_id": year}).all():
        period_marks[period][child_id] = value
    pupils = []
    no_name = (None, None, None)
    for child_id in pupil_ids:
        last, first, middle = names.get(child_id) or no_name
        marks = marks_by_child.get(child_id, [])
        pupils.append({
            "child_id": child_id, "last_name": last, "first_name": first, "middle_name": middle,
            "marks": marks,
            "attendance": attendance_by_child.get(child_id, {}),
            "average": weighted_average([(m["value"], m["weight"]) for m in marks]),
            "term_mark": period_marks["term"].get(child_id),
            "year_mark": period_marks["year"].get(child_id),
            "final_mark": period_marks["final"].get(child_id),
        })
    pupils.sort(key=lambda p: (p["last_name"] is None, p["last_name"] or "", p["first_name"] or "", p["child_id"]))
    return {
        "load": {"id": load_id, "group_id": group_id, "subject_id": subject_id, "teacher_account_id": teacher,
                 "scale": scale},
        "term": {"id": t_id, "number": t_number, "kind": t_kind, "starts_on": t_starts.isoformat(),
                 "ends_on": t_ends.isoformat(), "closed": t_closed is not None},
        "lessons": [{"id": i, "date": d.isoformat(), "period": p, "kind": k, "topic": t, "homework": h,
                     "topic_late": late} for i, d, p, k, t, h, late in lessons],
        "pupils": pupils,
    }
