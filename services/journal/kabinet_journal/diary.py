"""The diary: what a pupil and their guardians read — marks, homework, attendance, term
marks. A guardian reads it only while the child's ``e_diary`` consent is in force."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kabinet_kit.errors import NotFound, PermissionDenied

from . import access
from .bootstrap import Deps
from .marks import weighted_average
from .models import Attendance, Consent, Group, Lesson, Mark, Membership, Subject, TeachingLoad, Term, TermMark
from .services import get_term, local_today, term_of

ABSENT = ("absent_ill", "absent_valid", "absent_unexcused")
# A literal, not a parameter, so that PostgreSQL's generic plans still use the partial index.
NOT_PRESENT = text("attendance.status <> 'present'")


def _authorise(session: Session, caller, child_id: str) -> None:
    consent = session.get(Consent, (child_id, "e_diary")) is not None if child_id in caller.children else False
    if not access.can_read_diary(caller, child_id, consent):
        if child_id in caller.children:
            raise PermissionDenied("The diary needs the guardian's consent (e_diary) in force for this child.")
        raise PermissionDenied("This diary is not yours to read.")


def _placement(session: Session, child_id: str, on: date) -> tuple[Group, Term | None]:
    stay = session.scalar(select(Membership).where(Membership.child_id == child_id, Membership.starts_on <= on)
                          .order_by(Membership.starts_on.desc()).limit(1))
    if stay is None:
        raise NotFound("The child is not in any group.")
    group = session.get(Group, stay.group_id)
    return group, term_of(session, group.organisation_id, group.academic_year_id, on)


def _term_payload(term: Term | None) -> dict | None:
    if term is None:
        return None
    return {"id": term.id, "kind": term.kind, "number": term.number, "starts_on": term.starts_on.isoformat(),
            "ends_on": term.ends_on.isoformat(), "closed": term.closed_at is not None}


def _subjects(session: Session, group_id: str) -> dict[str, str]:
    return dict(session.execute(select(TeachingLoad.id, Subject.name).join(Subject, Subject.id == TeachingLoad.subject_id)
                                .where(TeachingLoad.group_id == group_id)).all())


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


def term_diary(deps: Deps, session: Session, caller, child_id: str, term_id: str | None) -> dict:
    """The whole term by subject: marks with their lessons, averages, term marks, homework,
    absences."""
    _authorise(session, caller, child_id)
    if term_id:
        term = get_term(session, term_id)
        stay = session.scalar(select(Membership).where(
            Membership.child_id == child_id, Membership.organisation_id == term.organisation_id,
            Membership.starts_on <= term.ends_on).order_by(Membership.starts_on.desc()).limit(1))
        if stay is None:
            raise NotFound("The child was not in this institution in that term.")
        group = session.get(Group, stay.group_id)
    else:
        group, term = _placement(session, child_id, local_today(deps))
        if term is None:
            raise NotFound("No term is under way; name one with term_id.")
    subjects = _subjects(session, group.id)
    by_load: dict[str, dict] = defaultdict(lambda: {"marks": [], "absences": 0, "late": 0})
    for m in session.execute(select(Mark.load_id, Mark.value, Mark.kind, Mark.weight, Lesson.date, Lesson.topic)
                             .join(Lesson, Lesson.id == Mark.lesson_id)
                             .where(Mark.child_id == child_id, Mark.term_id == term.id).order_by(Lesson.date)):
        by_load[m.load_id]["marks"].append({"date": m.date.isoformat(), "value": m.value, "kind": m.kind,
                                            "weight": m.weight, "topic": m.topic})
    absences = []
    for a in session.execute(select(Attendance.load_id, Attendance.status, Lesson.date).join(
            Lesson, Lesson.id == Attendance.lesson_id).where(Attendance.child_id == child_id,
                                                              Attendance.term_id == term.id,
                                                              NOT_PRESENT).order_by(Lesson.date)):
        entry = by_load[a.load_id]
        if a.status == "late":
            entry["late"] += 1
        else:
            entry["absences"] += 1
        absences.append({"date": a.date.isoformat(), "subject": subjects.get(a.load_id), "status": a.status})
    term_marks = dict(session.execute(select(TermMark.load_id, TermMark.value).where(
        TermMark.child_id == child_id, TermMark.period == "term", TermMark.term_id == term.id)).all())
    homework = session.execute(select(Lesson.load_id, Lesson.date, Lesson.homework).where(
        Lesson.group_id == group.id, Lesson.term_id == term.id, Lesson.homework.is_not(None))
        .order_by(Lesson.date, Lesson.period)).all()
    rows = []
    for load_id, name in sorted(subjects.items(), key=lambda kv: kv[1]):
        entry = by_load.get(load_id, {"marks": [], "absences": 0, "late": 0})
        rows.append({"load_id": load_id, "subject": name, "marks": entry["marks"],
                     "average": weighted_average([(m["value"], m["weight"]) for m in entry["marks"]]),
                     "term_mark": term_marks.get(load_id), "absences": entry["absences"], "late": entry["late"]})
    return {"child_id": child_id, "group_id": group.id, "group": group.name, "term": _term_payload(term),
            "subjects": rows,
            "homework": [{"date": d.isoformat(), "subject": subjects.get(l), "homework": h} for l, d, h in homework],
            "attendance": absences}
