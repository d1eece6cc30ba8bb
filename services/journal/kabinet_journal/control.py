"""Control of the journal's keeping (JRN-06: at least monthly, by the director and the
deputy): for a month, per teacher, group and institution — lessons without a topic, topics
entered late, lessons without attendance, pupils without a single mark in a term, and pupils
without the term, year or final mark owed (attestation_control.py).

A lesson counts as missing its topic or attendance only once its day is over (topics are
entered on the day, JRN-01). The administration sees who and which; the department sees the
same figures for the groups and the institution, without names, teachers or pupils.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import PermissionDenied

from .attestation_control import MISSING, Load, Stay, by_group_and_subject, count_missing, find_missing
from .deps import Deps, local_today
from .fees import parse_month
from .models import (
    AcademicYear,
    Account,
    Attendance,
    Group,
    Lesson,
    Mark,
    Membership,
    PersonName,
    Subject,
    TeachingLoad,
    Term,
)

COUNTS = ("lessons", "lessons_due", "without_topic", "late_topics", "without_attendance", "pupils_without_marks",
          *MISSING.values())


def _zero() -> dict:
    return {k: 0 for k in COUNTS}


class LessonFacts(Protocol):
    id: str
    load_id: str
    date: date
    topic: str | None
    topic_late: bool


@dataclass
class LessonGaps:
    #: Per load: the COUNTS (pupils_without_marks is counted apart).
    by_load: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(_zero))
    without_topic: list[Any] = field(default_factory=list)
    without_attendance: list[Any] = field(default_factory=list)
    late: list[Any] = field(default_factory=list)


def lesson_gaps(lessons: Iterable[LessonFacts], attended: Collection[str], due_until: date) -> LessonGaps:
    """A month's lessons against the rules of keeping (JRN-01, JRN-06): a late topic counts
    whenever the lesson is; a missing topic or attendance only once the lesson's day is over."""
    gaps = LessonGaps()
    for lesson in lessons:
        counts = gaps.by_load[lesson.load_id]
        counts["lessons"] += 1
        if lesson.topic_late:
            counts["late_topics"] += 1
            gaps.late.append(lesson)
        if lesson.date > due_until:
            continue
        counts["lessons_due"] += 1
        if not lesson.topic:
            counts["without_topic"] += 1
            gaps.without_topic.append(lesson)
        if lesson.id not in attended:
            counts["without_attendance"] += 1
            gaps.without_attendance.append(lesson)
    return gaps


class TermFacts(NamedTuple):
    id: str
    academic_year_id: str
    starts_on: date
    ends_on: date


def unmarked_pupils(terms: Sequence[TermFacts], loads: Sequence[tuple[str, str, str]],
                    stays: Mapping[str, Sequence[Stay]], marked: Collection[tuple[Any, ...]],
                    today: date) -> list[tuple[str, str, str]]:
    """(load, child, term) for each pupil of a load's group (``loads`` as (id, group, year))
    without a single mark in a term of the load's year, over the part of the term that has passed."""
    out = []
    for term in terms:
        until = min(term.ends_on, today)
        for load_id, group_id, year_id in loads:
            if year_id != term.academic_year_id:
                continue
            pupils = {s.child_id for s in stays.get(group_id, ())
                      if s.starts_on <= until and (s.ends_on is None or s.ends_on >= term.starts_on)}
            out += [(load_id, child_id, term.id) for child_id in sorted(pupils)
                    if (load_id, child_id, term.id) not in marked]
    return out


def completeness(deps: Deps, session: Session, caller, organisation_id: str, month: str) -> dict:
    full = caller.manages(organisation_id)
    if not (full or caller.is_department):
        raise PermissionDenied("The control report is the institution's administration's (and, in figures, "
                               "the department's).")
    first, last = parse_month(month)
    due_until = min(last, local_today(deps) - timedelta(days=1))
    loads = {row.id: row for row in session.execute(
        select(TeachingLoad.id, TeachingLoad.group_id, TeachingLoad.teacher_account_id, TeachingLoad.academic_year_id,
               Group.name.label("group"), Subject.name.label("subject"))
        .join(Group, Group.id == TeachingLoad.group_id).join(Subject, Subject.id == TeachingLoad.subject_id)
        .where(TeachingLoad.organisation_id == organisation_id))}
    lessons = session.execute(select(Lesson.id, Lesson.load_id, Lesson.date, Lesson.topic, Lesson.topic_late)
                              .join(TeachingLoad, TeachingLoad.id == Lesson.load_id)
                              .where(TeachingLoad.organisation_id == organisation_id,
                                     Lesson.date.between(first, last))).all()
    attended = set(session.scalars(select(Attendance.lesson_id).distinct().join(
        Lesson, Lesson.id == Attendance.lesson_id).join(TeachingLoad, TeachingLoad.id == Lesson.load_id).where(
        TeachingLoad.organisation_id == organisation_id, Lesson.date.between(first, last))))

    gaps = lesson_gaps(lessons, attended, due_until)
    by_load = gaps.by_load
    missing_topic, missing_attendance, late = gaps.without_topic, gaps.without_attendance, gaps.late

    # Pupils with no mark at all in a term that overlaps the month, per load, counted over the
    # part of the term that has passed.
    terms = session.scalars(select(Term).where(Term.organisation_id == organisation_id, Term.starts_on <= last,
                                               Term.ends_on >= first).order_by(Term.starts_on)).all()
    unmarked: list[tuple[str, str, str]] = []
    if terms and loads:
        marked = {tuple(r) for r in session.execute(select(Mark.load_id, Mark.child_id, Mark.term_id).distinct().where(
            Mark.term_id.in_([t.id for t in terms]), Mark.load_id.in_(list(loads))))}
        stays: dict[str, list[Stay]] = defaultdict(list)
        for row in session.execute(select(Membership.group_id, Membership.child_id, Membership.starts_on,
                                          Membership.ends_on).where(
                Membership.group_id.in_({ld.group_id for ld in loads.values()}))):
            stays[row.group_id].append(Stay(row.child_id, row.starts_on, row.ends_on))
        unmarked = unmarked_pupils([TermFacts(t.id, t.academic_year_id, t.starts_on, t.ends_on) for t in terms],
                                   [(ld.id, ld.group_id, ld.academic_year_id) for ld in loads.values()], stays,
                                   marked, local_today(deps))
        for load_id, _child, _term in unmarked:
            by_load[load_id]["pupils_without_marks"] += 1

    # Attestation owed by the month's end (seed 004 §3.4): term marks of the terms that are over,
    # year and final marks once the year's last term is, in the years the month is part of.
    years = set(session.scalars(select(AcademicYear.id).where(AcademicYear.starts_on <= last,
                                                              AcademicYear.ends_on >= first)))
    missing = find_missing(session, organisation_id, years,
                           [Load(ld.id, ld.group_id, ld.academic_year_id) for ld in loads.values()], due_until)
    for load_id, counts in count_missing(missing).items():
        by_load[load_id].update(counts)

    def add(into: dict, counts: dict) -> None:
        for k in COUNTS:
            into[k] += counts[k]

    institution = _zero()
    by_group: defaultdict[str, dict] = defaultdict(_zero)
    by_teacher: defaultdict[str, dict] = defaultdict(_zero)
    for load_id, counts in by_load.items():
        load = loads[load_id]
        add(institution, counts)
        add(by_group[load.group_id], counts)
        add(by_teacher[load.teacher_account_id], counts)
    group_names = {ld.group_id: ld.group for ld in loads.values()}
    report = {"organisation_id": organisation_id, "month": month, "counted_until": due_until.isoformat(),
              "terms": [{"id": t.id, "number": t.number, "kind": t.kind} for t in terms],
              "institution": institution,
              "groups": sorted(({"group_id": g, "group": group_names[g], **c} for g, c in by_group.items()),
                               key=lambda r: r["group"]),
              "attestation": by_group_and_subject(missing, loads)}
    if not full:
        return report

    persons = dict(session.execute(select(Account.id, Account.person_id)
                                   .where(Account.id.in_(list(by_teacher)))).all()) if by_teacher else {}
    names = {r.person_id: r for r in session.scalars(select(PersonName).where(
        PersonName.person_id.in_(set(persons.values()) | {c for _, c, _ in unmarked}
                                 | {m.child_id for m in missing})))}

    def full_name(person_id):
        n = names.get(person_id)
        return " ".join(p for p in (n.last_name, n.first_name, n.middle_name) if p) if n else None

    def lesson_row(lesson) -> dict:
        load = loads[lesson.load_id]
        return {"lesson_id": lesson.id, "date": lesson.date.isoformat(), "load_id": lesson.load_id,
                "group": load.group, "subject": load.subject, "teacher_account_id": load.teacher_account_id}

    report["teachers"] = sorted(({"teacher_account_id": a, "teacher": full_name(persons.get(a)), **c}
                                 for a, c in by_teacher.items()),
                                key=lambda r: (r["teacher"] or "", r["teacher_account_id"]))

    def by_date(lessons: Iterable[Any]) -> list[dict[str, Any]]:
        return [lesson_row(lesson) for lesson in sorted(lessons, key=lambda lesson: lesson.date)]

    report["lessons_without_topic"] = by_date(missing_topic)
    report["late_topics"] = by_date(late)
    report["lessons_without_attendance"] = by_date(missing_attendance)
    report["pupils_without_marks"] = [
        {"child_id": c, "pupil": full_name(c), "load_id": load_id, "group": loads[load_id].group,
         "subject": loads[load_id].subject, "term_id": term_id} for load_id, c, term_id in unmarked]
    report["pupils_without_attestation"] = sorted((
        {"child_id": m.child_id, "pupil": full_name(m.child_id), "load_id": m.load_id, "group": loads[m.load_id].group,
         "subject": loads[m.load_id].subject, "period": m.period, "term_id": m.term_id} for m in missing),
        key=lambda r: (r["group"], r["subject"], r["period"], r["pupil"] or "", r["child_id"]))
    return report



