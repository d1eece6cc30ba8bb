"""The caller's day in the journal (``GET /me/today``), for a first screen: by the caller's own
assignments only — the lessons they give today and what is still missing in each, the classes
they tutor (pupils, today's absences, what is unfinished this term), and for the department the
month's control figures city-wide (figures only, as the control report gives it).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from . import control
from .access import Caller
from .control import lesson_gaps
from .deps import Deps, local_today
from .lookups import pupils_on
from .models import Attendance, Group, Lesson, Mark, Organisation, Subject, Substitution, TeachingLoad, Term

#: What a lesson can lack, in the order a teacher fills it in.
MISSING = ("topic", "attendance", "marks")


def missing_in(topic: str | None, attendance_rows: int, marks: int) -> list[str]:
    """What a lesson still lacks: its topic, the attendance register, any mark."""
    lacks = {"topic": not topic, "attendance": attendance_rows == 0, "marks": marks == 0}
    return [what for what in MISSING if lacks[what]]


def absent_pupils(statuses: Iterable[tuple[str, str]]) -> set[str]:
    """Pupils marked absent (any kind) in at least one of the day's lessons; ``late`` is present."""
    return {child for child, status in statuses if status.startswith("absent")}


def _counts_by_lesson(session: Session, column: Any, lesson_ids: Collection[str]) -> Counter:
    if not lesson_ids:
        return Counter()
    return Counter(dict(session.execute(select(column, func.count()).where(column.in_(list(lesson_ids)))
                                        .group_by(column)).all()))


def _my_lessons(session: Session, caller: Caller, today: date) -> list[dict]:
    substituted = select(Substitution.load_id).where(Substitution.account_id == caller.account_id,
                                                     Substitution.starts_on <= today, Substitution.ends_on >= today)
    rows = session.execute(
        select(Lesson, TeachingLoad.organisation_id, TeachingLoad.teacher_account_id, Group.name, Subject.name)
        .join(TeachingLoad, TeachingLoad.id == Lesson.load_id).join(Group, Group.id == Lesson.group_id)
        .join(Subject, Subject.id == TeachingLoad.subject_id)
        .where(Lesson.date == today, or_(TeachingLoad.teacher_account_id == caller.account_id,
                                         TeachingLoad.id.in_(substituted)))
        .order_by(Lesson.period, Group.name, Lesson.id)).all()
    # A teacher who lost the role in the institution no longer keeps its journal (as access.py).
    rows = [r for r in rows if r[2] != caller.account_id or caller.teaches_in(r[1])]
    ids = [r[0].id for r in rows]
    attendance = _counts_by_lesson(session, Attendance.lesson_id, ids)
    marks = _counts_by_lesson(session, Mark.lesson_id, ids)
    out = []
    for lesson, org, teacher, group, subject in rows:
        out.append({"lesson_id": lesson.id, "load_id": lesson.load_id, "group_id": lesson.group_id, "group": group,
                    "organisation_id": org, "subject": subject, "period": lesson.period, "kind": lesson.kind,
                    "topic": lesson.topic,
                    "substitution": teacher != caller.account_id,
                    "attendance_entered": attendance[lesson.id], "marks_entered": marks[lesson.id],
                    "missing": missing_in(lesson.topic, attendance[lesson.id], marks[lesson.id])})
    return out


def _my_classes(session: Session, caller: Caller, today: date) -> list[dict]:
    groups = session.scalars(select(Group).where(Group.id.in_(caller.groups("tutor"))).order_by(Group.name, Group.id)
                             ).all() if caller.groups("tutor") else []
    out = []
    for group in groups:
        # Unfinished: the current term's lessons of the class that are due (their day is over).
        term = session.scalar(select(Term).where(Term.organisation_id == group.organisation_id,
                                                 Term.academic_year_id == group.academic_year_id,
                                                 Term.starts_on <= today, Term.ends_on >= today))
        lessons = session.execute(select(Lesson.id, Lesson.load_id, Lesson.date, Lesson.topic, Lesson.topic_late)
                                  .where(Lesson.group_id == group.id, Lesson.term_id == term.id)).all() if term else []
        ids = [lesson.id for lesson in lessons]
        attended = set(session.scalars(select(Attendance.lesson_id).distinct()
                                       .where(Attendance.lesson_id.in_(ids)))) if ids else set()
        gaps = lesson_gaps(lessons, attended, today - timedelta(days=1))
        todays = [lesson.id for lesson in lessons if lesson.date == today]
        statuses = session.execute(select(Attendance.child_id, Attendance.status)
                                   .where(Attendance.lesson_id.in_(todays))).all() if todays else []
        out.append({"group_id": group.id, "group": group.name, "organisation_id": group.organisation_id,
                    "pupils": len(pupils_on(session, group.id, today)), "lessons_today": len(todays),
                    "absent_today": len(absent_pupils(statuses)),
                    "term_id": term.id if term else None,
                    "unfinished": {"lessons_without_topic": len(gaps.without_topic),
                                   "lessons_without_attendance": len(gaps.without_attendance),
                                   "late_topics": len(gaps.late)}})
    return out


def _city(deps: Deps, session: Session, caller: Caller, today: date) -> dict:
    """The month's control figures of every institution keeping a journal (no names)."""
    month = today.strftime("%Y-%m")
    with_loads = select(TeachingLoad.organisation_id).distinct()
    orgs = session.execute(select(Organisation.id, Organisation.short_name)
                           .where(Organisation.id.in_(with_loads)).order_by(Organisation.short_name)).all()
    institutions: list[dict] = []
    totals: Counter = Counter()
    counted_until = None
    for org_id, name in orgs:
        report = control.completeness(deps, session, caller, org_id, month)
        counted_until = report["counted_until"]
        institutions.append({"organisation_id": org_id, "name": name, **report["institution"]})
        totals.update(report["institution"])
    return {"month": month, "counted_until": counted_until, "institutions": institutions,
            "totals": {k: totals[k] for k in control.COUNTS}}


def my_today(deps: Deps, session: Session, caller: Caller) -> dict:
    today = local_today(deps)
    return {"date": today, "lessons": _my_lessons(session, caller, today),
            "classes": _my_classes(session, caller, today),
            "city": _city(deps, session, caller, today) if caller.is_department else None}
