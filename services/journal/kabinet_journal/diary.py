"""The diary: what a pupil and their guardians read — marks, homework, attendance, term
marks and the year's attestation (year and final marks). A guardian reads it only while the
child's ``e_diary`` consent is in force."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, select, text
from sqlalchemy.orm import Session

from kabinet_kit.errors import NotFound, PermissionDenied

from . import access
from .deps import Deps, local_today
from .lookups import get_group, term_of
from .marks import weighted_average
from .models import Attendance, Consent, Group, Lesson, Mark, Membership, Subject, TeachingLoad, Term, TermMark

ABSENT = ("absent_ill", "absent_valid", "absent_unexcused")
# A literal, not a parameter, so that PostgreSQL's generic plans still use the partial index.
NOT_PRESENT = text("attendance.status <> 'present'")


_consents = Consent.__table__
_E_DIARY_CONSENT = select(_consents.c.consent_id).where(_consents.c.child_id == bindparam("child_id"),
                                                        _consents.c.purpose == "e_diary")


def _authorise(session: Session, caller, child_id: str) -> None:
    consent = session.connection().execute(_E_DIARY_CONSENT, {"child_id": child_id}).first() is not None \
        if child_id in caller.children else False
    if not access.can_read_diary(caller, child_id, consent):
        if child_id in caller.children:
            raise PermissionDenied("The diary needs the guardian's consent (e_diary) in force for this child.")
        # Another family's child is answered like one that does not exist (no existence oracle).
        raise NotFound("No such diary.")


def _placement(session: Session, child_id: str, on: date) -> tuple[Group, Term | None]:
    stay = session.scalar(select(Membership).where(Membership.child_id == child_id, Membership.starts_on <= on)
                          .order_by(Membership.starts_on.desc()).limit(1))
    if stay is None:
        raise NotFound("The child is not in any group.")
    group = get_group(session, stay.group_id)
    return group, term_of(session, group.organisation_id, group.academic_year_id, on)


def _term_payload(term: Term | None) -> dict | None:
    return None if term is None else _term_dict(term)


def _term_dict(term: Term) -> dict:
    return {"id": term.id, "kind": term.kind, "number": term.number, "starts_on": term.starts_on.isoformat(),
            "ends_on": term.ends_on.isoformat(), "closed": term.closed_at is not None}


def summary(deps: Deps, session: Session, caller, child_id: str) -> dict:
    """The home screen's part: latest marks, homework due, attendance this term."""
    _authorise(session, caller, child_id)
    today = local_today(deps)
    group, term = _placement(session, child_id, today)
    latest = session.execute(
        select(Mark.value, Mark.kind, Lesson.date, Subject.name).join(Lesson, Lesson.id == Mark.lesson_id)
        .join(TeachingLoad, TeachingLoad.id == Mark.load_id).join(Subject, Subject.id == TeachingLoad.subject_id)
        .where(Mark.child_id == child_id).order_by(Lesson.date.desc(), Mark.recorded_at.desc()).limit(10)).all()
    homework = session.execute(
        select(Lesson.date, Lesson.homework, Subject.name).join(TeachingLoad, TeachingLoad.id == Lesson.load_id)
        .join(Subject, Subject.id == TeachingLoad.subject_id)
        .where(Lesson.group_id == group.id, Lesson.homework.is_not(None), Lesson.date >= today - timedelta(days=1),
               Lesson.date <= today + timedelta(days=7)).order_by(Lesson.date, Lesson.period)).all()
    counts: Counter = Counter()
    if term is not None:
        counts.update(s for (s,) in session.execute(select(Attendance.status).where(
            Attendance.child_id == child_id, Attendance.term_id == term.id)))
    return {
        "child_id": child_id, "group_id": group.id, "group": group.name, "term": _term_payload(term),
        "latest_marks": [{"date": d.isoformat(), "subject": s, "value": v, "kind": k} for v, k, d, s in latest],
        "homework": [{"date": d.isoformat(), "subject": s, "homework": h} for d, h, s in homework],
        "attendance": {"lessons_marked": sum(counts.values()), "late": counts["late"],
                       "absent": sum(counts[s] for s in ABSENT), "absent_unexcused": counts["absent_unexcused"]},
    }


# The term diary's statements are built once, on Core tables: rows come back as tuples, without
# the ORM's per-row machinery, and a request does not rebuild SQL.
_terms, _stays, _groups = Term.__table__, Membership.__table__, Group.__table__
_loads, _subjects_t, _term_marks = TeachingLoad.__table__, Subject.__table__, TermMark.__table__
_marks, _lessons, _attendance = Mark.__table__, Lesson.__table__, Attendance.__table__
# The term, and the child's latest stay in that institution begun by the term's end with its group.
_TERM_AND_STAY = (select(_terms.c.id, _terms.c.organisation_id, _terms.c.kind, _terms.c.number, _terms.c.starts_on,
                         _terms.c.ends_on, _terms.c.closed_at, _groups.c.id, _groups.c.name)
                  .select_from(_terms.outerjoin(_stays, and_(_stays.c.child_id == bindparam("child_id"),
                                                             _stays.c.organisation_id == _terms.c.organisation_id,
                                                             _stays.c.starts_on <= _terms.c.ends_on))
                               .outerjoin(_groups, _groups.c.id == _stays.c.group_id))
                  .where(_terms.c.id == bindparam("term_id")).order_by(_stays.c.starts_on.desc()).limit(1))
_year_marks, _final_marks = _term_marks.alias("year_marks"), _term_marks.alias("final_marks")


def _period_mark(marks: Any, period: str, key: Any) -> Any:
    return and_(marks.c.load_id == _loads.c.id, marks.c.child_id == bindparam("child_id"), marks.c.period == period,
                marks.c.term_id == key)


# The group's subjects with the child's term mark in each, and the year's attestation (year and
# final marks, kept under the load's year): what reads term marks reads those too (seed 004 §1.3).
_SUBJECTS_WITH_TERM_MARKS = (
    select(_loads.c.id, _subjects_t.c.name, _term_marks.c.value, _year_marks.c.value, _final_marks.c.value)
    .join(_subjects_t, _subjects_t.c.id == _loads.c.subject_id)
    .outerjoin(_term_marks, _period_mark(_term_marks, "term", bindparam("term_id")))
    .outerjoin(_year_marks, _period_mark(_year_marks, "year", _loads.c.academic_year_id))
    .outerjoin(_final_marks, _period_mark(_final_marks, "final", _loads.c.academic_year_id))
    .where(_loads.c.group_id == bindparam("group_id")))
_TERM_MARKS = (select(_marks.c.load_id, _marks.c.value, _marks.c.kind, _marks.c.weight, _lessons.c.date,
                      _lessons.c.topic).join(_lessons, _lessons.c.id == _marks.c.lesson_id)
               .where(_marks.c.child_id == bindparam("child_id"), _marks.c.term_id == bindparam("term_id"))
               .order_by(_lessons.c.date))
_TERM_ABSENCES = (select(_attendance.c.load_id, _attendance.c.status, _lessons.c.date)
                  .join(_lessons, _lessons.c.id == _attendance.c.lesson_id)
                  .where(_attendance.c.child_id == bindparam("child_id"), _attendance.c.term_id == bindparam("term_id"),
                         NOT_PRESENT).order_by(_lessons.c.date))
_TERM_HOMEWORK = (select(_lessons.c.load_id, _lessons.c.date, _lessons.c.homework)
                  .where(_lessons.c.group_id == bindparam("group_id"), _lessons.c.term_id == bindparam("term_id"),
                         _lessons.c.homework.is_not(None))
                  .order_by(_lessons.c.date, _lessons.c.period))


def term_diary(deps: Deps, session: Session, caller, child_id: str, term_id: str | None) -> dict:
    """The whole term by subject: marks with their lessons, averages, term marks, homework,
    absences."""
    _authorise(session, caller, child_id)
    conn = session.connection()
    if term_id:
        row = conn.execute(_TERM_AND_STAY, {"term_id": term_id, "child_id": child_id}).first()
        if row is None:
            raise NotFound("No such term.")
        t_id, _org, t_kind, t_number, t_starts, t_ends, t_closed, group_id, group_name = row
        if group_id is None:
            raise NotFound("The child was not in this institution in that term.")
        term = {"id": t_id, "kind": t_kind, "number": t_number, "starts_on": t_starts.isoformat(),
                "ends_on": t_ends.isoformat(), "closed": t_closed is not None}
    else:
        group, term_row = _placement(session, child_id, local_today(deps))
        if term_row is None:
            raise NotFound("No term is under way; name one with term_id.")
        t_id, group_id, group_name, term = term_row.id, group.id, group.name, _term_dict(term_row)
    keys = {"child_id": child_id, "term_id": t_id}
    subjects, term_marks = {}, {}
    for load_id, name, *period_marks in conn.execute(_SUBJECTS_WITH_TERM_MARKS,
                                                     {**keys, "group_id": group_id}).all():
        subjects[load_id] = name
        term_marks[load_id] = period_marks
    by_load: dict[str, dict] = defaultdict(lambda: {"marks": [], "absences": 0, "late": 0})
    for load_id, value, kind, weight, on, topic in conn.execute(_TERM_MARKS, keys).all():
        by_load[load_id]["marks"].append({"date": on.isoformat(), "value": value, "kind": kind, "weight": weight,
                                          "topic": topic})
    absences = []
    for load_id, status, on in conn.execute(_TERM_ABSENCES, keys).all():
        entry = by_load[load_id]
        if status == "late":
            entry["late"] += 1
        else:
            entry["absences"] += 1
        absences.append({"date": on.isoformat(), "subject": subjects.get(load_id), "status": status})
    homework = conn.execute(_TERM_HOMEWORK, {"group_id": group_id, "term_id": t_id}).all()
    rows = []
    for load_id, name in sorted(subjects.items(), key=lambda kv: kv[1]):
        entry = by_load.get(load_id, {"marks": [], "absences": 0, "late": 0})
        term_mark, year_mark, final_mark = term_marks.get(load_id) or (None, None, None)
        rows.append({"load_id": load_id, "subject": name, "marks": entry["marks"],
                     "average": weighted_average([(m["value"], m["weight"]) for m in entry["marks"]]),
                     "term_mark": term_mark, "year_mark": year_mark, "final_mark": final_mark,
                     "absences": entry["absences"], "late": entry["late"]})
    return {"child_id": child_id, "group_id": group_id, "group": group_name, "term": term,
            "subjects": rows,
            "homework": [{"date": d.isoformat(), "subject": subjects.get(load_id), "homework": h}
                         for load_id, d, h in homework],
            "attendance": absences}
