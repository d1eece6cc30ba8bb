"""Calendar-thematic plans (JRN-04): per teaching load, the topics in order with their
hours, drawn up before the year starts; their total must equal the curriculum's hours for the
group's grade and subject.

How the plan pre-fills lesson topics: each lesson of the load counts one hour, so the load's
lessons of the year, in date order, take the plan's topics hour by hour (a 3-hour topic spans
three lessons). The topic is *suggested* on each lesson (``plan_lessons``) and filled only
when the teacher takes it (``take_plan_topic``) — entering it then goes through the ordinary
lesson update, so the day-of-lesson rule, the late flag and the author apply as to any topic.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from kabinet_kit.db import new_id
from kabinet_kit.errors import Conflict, InvalidInput, PermissionDenied
from kabinet_kit.events import utcnow

from . import access
from .deps import Deps
from .lessons import update_lesson
from .lookups import get_lesson, readable_load
from .models import CurriculumHours, Group, Lesson, PlanTopic, Subject, TeachingLoad, ThematicPlan
from .yearend import require_open_year


def curriculum_for(session: Session, load: TeachingLoad) -> tuple[CurriculumHours | None, int | None]:
    group = session.get(Group, load.group_id)
    grade = group.grade_level if group is not None else None
    grade_rule = CurriculumHours.grade_level == grade if grade is not None else CurriculumHours.grade_level.is_(None)
    row = session.scalar(select(CurriculumHours).where(
        CurriculumHours.organisation_id == load.organisation_id,
        CurriculumHours.academic_year_id == load.academic_year_id,
        CurriculumHours.subject_id == load.subject_id, grade_rule))
    return row, grade


def _topics(session: Session, load_id: str) -> list[PlanTopic]:
    return list(session.scalars(select(PlanTopic).where(PlanTopic.load_id == load_id)
                                .order_by(PlanTopic.position)).all())


def _plan_out(session: Session, load: TeachingLoad) -> dict:
    plan = session.get(ThematicPlan, load.id)
    curriculum, grade = curriculum_for(session, load)
    topics = _topics(session, load.id) if plan else []
    return {"load_id": load.id, "grade_level": grade, "curriculum_hours": curriculum.hours if curriculum else None,
            "total_hours": plan.total_hours if plan else 0, "saved_by": plan.saved_by if plan else None,
            "saved_at": plan.saved_at if plan else None,
            "topics": [{"id": t.id, "position": t.position, "title": t.title, "hours": t.hours, "kind": t.kind}
                       for t in topics]}


def read_plan(session: Session, caller, load_id: str) -> dict:
    load, _ = readable_load(session, caller, load_id)
    return _plan_out(session, load)


def save_plan(session: Session, caller, load_id: str, body: dict,
              precondition: Callable[[], object] | None = None) -> dict:
    """Replace the load's plan as a whole: every topic valid and the hours adding up to the
    curriculum's, or nothing is written. ``precondition``: checked once the caller may write
    (the plan's If-Match)."""
    load, facts = readable_load(session, caller, load_id)
    if not (access.is_load_teacher(caller, facts) or caller.manages(load.organisation_id)):
        raise PermissionDenied("The plan is drawn up by the load's teacher or the institution's administration.")
    if precondition is not None:
        precondition()
    require_open_year(session, load.organisation_id, load.academic_year_id)
    errors: dict = {}
    cleaned = []
    for i, topic in enumerate(body["topics"]):
        title = topic["title"].strip()
        if not title:
            errors.setdefault("topics", {}).setdefault(str(i), {})["title"] = ["A topic needs a title."]
        cleaned.append((title, topic["hours"], topic["kind"]))
    curriculum, grade = curriculum_for(session, load)
    subject = session.get(Subject, load.subject_id)
    assert subject is not None, "a load's subject exists (foreign key)"
    what = f"«{subject.name}»" + (f" in grade {grade}" if grade is not None else "")
    total = sum(hours for _, hours, _ in cleaned)
    if curriculum is None:
        errors["total_hours"] = [f"The curriculum sets no hours for {what} this year; the administration sets "
                                 f"them first."]
    elif total != curriculum.hours:
        errors["total_hours"] = [f"The plan has {total} hours; the curriculum sets {curriculum.hours} for {what}."]
    if errors:
        raise InvalidInput("The plan was not saved; see errors.", errors=errors)
    session.execute(delete(PlanTopic).where(PlanTopic.load_id == load.id))
    plan = session.get(ThematicPlan, load.id)
    now = utcnow()
    if plan is None:
        session.add(ThematicPlan(load_id=load.id, total_hours=total, saved_by=caller.account_id, saved_at=now))
    else:
        plan.total_hours, plan.saved_by, plan.saved_at = total, caller.account_id, now
    session.flush()
    session.execute(insert(PlanTopic), [{"id": new_id(), "load_id": load.id, "position": n, "title": title,
                                         "hours": hours, "kind": kind}
                                        for n, (title, hours, kind) in enumerate(cleaned, start=1)])
    return _plan_out(session, load)


def _hours(topics: list[PlanTopic]) -> list[tuple[PlanTopic, int]]:
    """The plan hour by hour: (topic, its n-th hour)."""
    return [(t, n) for t in topics for n in range(1, t.hours + 1)]


def _ordered_lessons(session: Session, load_id: str) -> list[Lesson]:
    lessons = session.scalars(select(Lesson).where(Lesson.load_id == load_id)).all()
    return sorted(lessons, key=lambda les: (les.date, les.period or 0, les.id))


def plan_lessons(session: Session, caller, load_id: str, term_id: str | None) -> list[dict]:
    """Each lesson of the load with the plan's topic for it (the n-th lesson of the year takes
    the plan's n-th hour); lessons beyond the plan's hours have none."""
    load, _ = readable_load(session, caller, load_id)
    hours = _hours(_topics(session, load.id))
    out = []
    for number, lesson in enumerate(_ordered_lessons(session, load.id), start=1):
        if term_id and lesson.term_id != term_id:
            continue
        topic, hour = hours[number - 1] if number <= len(hours) else (None, None)
        out.append({"lesson_id": lesson.id, "term_id": lesson.term_id, "date": lesson.date, "period": lesson.period,
                    "number": number, "topic": lesson.topic, "kind": lesson.kind,
                    "suggested_topic": topic.title if topic else None,
                    "suggested_kind": topic.kind if topic else None,
                    "plan_topic_id": topic.id if topic else None, "hour": hour,
                    "of_hours": topic.hours if topic else None})
    return out


def take_plan_topic(deps: Deps, session: Session, caller, lesson_id: str) -> Lesson:
    """Fill a lesson's topic and kind from the plan (as if the teacher typed them)."""
    lesson = get_lesson(session, lesson_id)
    _, facts = readable_load(session, caller, lesson.load_id, missing="No such lesson.")
    if not access.can_fill_lesson(caller, facts, lesson.date):
        raise PermissionDenied("You do not keep this group's journal for this subject on this day.")
    hours = _hours(_topics(session, lesson.load_id))
    number = next(n for n, les in enumerate(_ordered_lessons(session, lesson.load_id), start=1) if les.id == lesson.id)
    if not hours:
        raise Conflict("The teaching load has no calendar-thematic plan.", errors={"lesson_id": ["No plan."]})
    if number > len(hours):
        raise Conflict("The plan has no topic for this lesson: it is beyond the plan's hours.",
                       errors={"lesson_id": [f"Lesson {number} of the year; the plan has {len(hours)} hours."]})
    topic, _ = hours[number - 1]
    return update_lesson(deps, session, caller, lesson.id, {"topic": topic.title, "kind": topic.kind})

