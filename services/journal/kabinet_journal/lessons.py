"""Lessons of a teaching load: made, filled in (topic, homework, material), removed, read."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput, PermissionDenied
from kabinet_kit.events import utcnow
from kabinet_kit.paging import paginate

from . import access
from .access import Caller
from .deps import Deps, local_today
from .lookups import get_lesson, get_term, readable_load, term_of
from .models import Attendance, Holiday, Lesson, Mark, TeachingLoad, Term


def _open_term_for(session: Session, load: TeachingLoad, on: date, field: str = "date") -> Term:
    term = term_of(session, load.organisation_id, load.academic_year_id, on)
    if term is None:
        raise InvalidInput("No term of the institution's year contains this date.",
                           errors={field: ["Not within a term."]})
    if term.closed_at is not None:
        raise Conflict("The term is closed: its journal is locked.", errors={field: ["The term is closed."]})
    return term


def _holiday_on(session: Session, organisation_id: str, on: date) -> Holiday | None:
    return session.scalar(select(Holiday).where(Holiday.organisation_id == organisation_id,
                                                Holiday.starts_on <= on, Holiday.ends_on >= on))


def create_lesson(deps: Deps, session: Session, caller: Caller, load_id: str, data: dict) -> Lesson:
    load, facts = readable_load(session, caller, load_id)
    on = data["date"]
    if not (caller.manages(load.organisation_id) or access.can_fill_lesson(caller, facts, on)):
        raise PermissionDenied("You do not keep this group's journal for this subject.")
    _refuse_future_entries(on, local_today(deps), data)
    term = _open_term_for(session, load, on)
    holiday = _holiday_on(session, load.organisation_id, on)
    if holiday is not None:
        raise InvalidInput("The date is a holiday.", errors={"date": [f"Holiday: {holiday.name}."]})
    lesson = Lesson(load_id=load.id, term_id=term.id, group_id=load.group_id, date=on, period=data.get("period"),
                    kind=data.get("kind") or "lesson", created_by=caller.account_id)
    session.add(lesson)
    session.flush()
    if any(data.get(k) for k in ("topic", "homework", "material")):
        _fill(deps, session, caller, load, lesson, {k: data.get(k) for k in ("topic", "homework", "material")})
    return lesson


def update_lesson(deps: Deps, session: Session, caller: Caller, lesson_id: str, data: dict) -> Lesson:
    lesson = get_lesson(session, lesson_id)
    load, facts = readable_load(session, caller, lesson.load_id, missing="No such lesson.")
    if not access.can_fill_lesson(caller, facts, lesson.date):
        raise PermissionDenied("You do not keep this group's journal for this subject on this day.")
    term = get_term(session, lesson.term_id)
    if term.closed_at is not None:
        raise Conflict("The term is closed: its journal is locked.")
    # What the lesson will hold after the change: a topic kept while its date moves ahead counts too.
    _refuse_future_entries(data.get("date") or lesson.date, local_today(deps),
                           {name: data[name] if name in data else getattr(lesson, name) for name in CONDUCTED_FIELDS})
    if "date" in data and data["date"] != lesson.date:
        new_term = _open_term_for(session, load, data["date"])
        if not access.can_fill_lesson(caller, facts, data["date"]):
            raise PermissionDenied("You do not keep this journal on that day.")
        lesson.date, lesson.term_id = data["date"], new_term.id
    _fill(deps, session, caller, load, lesson, data)
    return lesson


#: What is entered about a lesson that took place (seed 004 §3.2: topics on the day of the lesson).
CONDUCTED_FIELDS = ("topic", "homework")


def future_entries(lesson_date: date, today: date, data: dict[str, Any]) -> dict[str, list[str]]:
    """The fields of ``data`` that may not be entered yet: a topic or homework for a lesson whose
    day has not come (it has not been conducted, so nothing may say it was)."""
    if lesson_date <= today:
        return {}
    return {name: [f"The lesson of {lesson_date.isoformat()} has not taken place yet: this is entered on its "
                   f"day or later."]
            for name in CONDUCTED_FIELDS if (data.get(name) or "").strip()}


def _refuse_future_entries(lesson_date: date, today: date, data: dict[str, Any]) -> None:
    errors = future_entries(lesson_date, today, data)
    if errors:
        raise InvalidInput(f"The lesson of {lesson_date.isoformat()} has not taken place yet: its topic and "
                           f"homework are entered on the lesson's day.", errors=errors)


@dataclass(frozen=True)
class TopicEntry:
    #: The lesson's first topic ever: it is now conducted (later entries only update it).
    conducted_now: bool
    #: Entered after the lesson's local day (JRN-01).
    late: bool


def topic_entry(current_topic: str | None, entered_before: bool, new_topic: str | None, lesson_date: date,
                today: date) -> TopicEntry | None:
    """What writing ``new_topic`` into a lesson records: nothing unless it gives a topic to a
    lesson without one; then whether the lesson is conducted now, and whether the topic is late."""
    if not new_topic or current_topic:
        return None
    return TopicEntry(conducted_now=not entered_before, late=today > lesson_date)


def _fill(deps: Deps, session: Session, caller: Caller, load: TeachingLoad, lesson: Lesson,
          data: dict[str, Any]) -> None:
    conducted_now = False
    for name in ("topic", "homework", "material"):
        if name in data:
            value = (data[name] or "").strip() or None
            if name == "topic":
                entry = topic_entry(lesson.topic, lesson.topic_entered_at is not None, value, lesson.date,
                                    local_today(deps))
                if entry is not None:
                    conducted_now = entry.conducted_now
                    lesson.topic_entered_at, lesson.topic_entered_by = utcnow(), caller.account_id
                    lesson.topic_late = entry.late
            setattr(lesson, name, value)
    if data.get("kind"):
        lesson.kind = data["kind"]
    if "period" in data:
        lesson.period = data["period"]
    lesson.updated_by, lesson.updated_at = caller.account_id, utcnow()
    session.flush()
    if lesson.topic_entered_at is not None:
        deps.events.record(session, "journal.lesson.conducted.v1" if conducted_now else "journal.lesson.updated.v1",
                           lesson_event(load, lesson, caller.account_id))


def delete_lesson(session: Session, caller: Caller, lesson_id: str) -> None:
    """A generated lesson that will not take place (the timetable changed): removed by the
    administration or the load's teacher, only while nothing is recorded in it."""
    lesson = get_lesson(session, lesson_id)
    load, facts = readable_load(session, caller, lesson.load_id, missing="No such lesson.")
    if not (caller.manages(load.organisation_id) or access.is_load_teacher(caller, facts)):
        raise PermissionDenied("You do not keep this group's journal for this subject.")
    term = get_term(session, lesson.term_id)
    if term.closed_at is not None:
        raise Conflict("The term is closed: its journal is locked.")
    recorded = session.scalar(select(Mark.id).where(Mark.lesson_id == lesson.id).limit(1)) or session.scalar(
        select(Attendance.child_id).where(Attendance.lesson_id == lesson.id).limit(1))
    if recorded or lesson.topic:
        raise Conflict("The lesson has a topic, marks or attendance: change it rather than delete it.")
    session.delete(lesson)


def lesson_event(load: TeachingLoad, lesson: Lesson, author: str) -> dict:
    return {"lesson_id": lesson.id, "load_id": load.id, "organisation_id": load.organisation_id,
            "group_id": load.group_id, "subject_id": load.subject_id, "term_id": lesson.term_id,
            "date": lesson.date, "kind": lesson.kind, "has_topic": bool(lesson.topic),
            "has_homework": bool(lesson.homework), "topic_late": lesson.topic_late, "author_account_id": author}


def list_lessons(session: Session, caller: Caller, load_id: str, filters: dict[str, Any]) -> dict[str, Any]:
    load, _ = readable_load(session, caller, load_id)
    query = select(Lesson).where(Lesson.load_id == load.id)
    if filters.get("term_id"):
        query = query.where(Lesson.term_id == str(filters["term_id"]))
    if filters.get("date_from"):
        query = query.where(Lesson.date >= filters["date_from"])
    if filters.get("date_to"):
        query = query.where(Lesson.date <= filters["date_to"])
    return paginate(session, query.order_by(Lesson.date, Lesson.period, Lesson.id), filters)


def read_lesson(session: Session, caller: Caller, lesson_id: str) -> Lesson:
    lesson = get_lesson(session, lesson_id)
    readable_load(session, caller, lesson.load_id, missing="No such lesson.")
    return lesson
