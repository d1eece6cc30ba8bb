"""The timetable of a term, and the lessons generated from it."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput
from kabinet_kit.paging import page_list

from .access import Caller
from .loads import readable_load_ids
from .lookups import readable_load, require_manager, visible_term
from .models import Holiday, Lesson, TeachingLoad, TimetableSlot


@dataclass(frozen=True)
class SlotFacts:
    load_id: str
    group_id: str
    weekday: int  # ISO: Monday is 1
    period: int


@dataclass(frozen=True)
class PlannedLesson:
    load_id: str
    group_id: str
    date: date
    period: int


def lessons_to_generate(starts_on: date, ends_on: date, slots: Sequence[SlotFacts],
                        holidays: Sequence[tuple[date, date]],
                        existing: Collection[tuple[str, date, int | None]]) -> list[PlannedLesson]:
    """One lesson per slot on each of its weekdays from ``starts_on`` to ``ends_on``, none on a
    holiday, none where the load already has a lesson at that date and period."""
    planned = []
    day = starts_on
    while day <= ends_on:
        if not any(start <= day <= end for start, end in holidays):
            planned += [PlannedLesson(slot.load_id, slot.group_id, day, slot.period) for slot in slots
                        if slot.weekday == day.isoweekday() and (slot.load_id, day, slot.period) not in existing]
        day += timedelta(days=1)
    return planned

def add_timetable_slot(session: Session, caller: Caller, data: dict) -> TimetableSlot:
    # Another institution's term or load is answered like a missing one.
    term = visible_term(session, caller, str(data["term_id"]))
    load, _ = readable_load(session, caller, str(data["load_id"]))
    require_manager(caller, load.organisation_id)
    if term.organisation_id != load.organisation_id or term.academic_year_id != load.academic_year_id:
        raise InvalidInput("The term is not of the load's institution and year.", errors={"term_id": ["Other year."]})
    weekday, period = data["weekday"], data["period"]
    clash = session.execute(select(TimetableSlot, TeachingLoad)
                            .join(TeachingLoad, TeachingLoad.id == TimetableSlot.load_id)
                            .where(TimetableSlot.term_id == term.id, TimetableSlot.weekday == weekday,
                                   TimetableSlot.period == period,
                                   or_(TimetableSlot.group_id == load.group_id,
                                       TimetableSlot.teacher_account_id == load.teacher_account_id))).first()
    if clash is not None:
        slot, other = clash
        if slot.teacher_account_id == load.teacher_account_id:
            raise Conflict("The teacher has another lesson in this slot.",
                           errors={"period": [f"The teacher teaches load {other.id} then."]})
        raise Conflict("The group has another lesson in this slot.", errors={"period": [f"Load {other.id} is there."]})
    slot = TimetableSlot(term_id=term.id, load_id=load.id, group_id=load.group_id,
                         teacher_account_id=load.teacher_account_id, weekday=weekday, period=period)
    session.add(slot)
    session.flush()
    return slot


def list_timetable(session: Session, caller: Caller, filters: dict[str, Any]) -> dict[str, Any]:
    term = visible_term(session, caller, str(filters["term_id"]))
    query = select(TimetableSlot).where(TimetableSlot.term_id == term.id)
    for name in ("group_id", "load_id"):
        if filters.get(name):
            query = query.where(getattr(TimetableSlot, name) == str(filters[name]))
    if filters.get("weekday"):
        query = query.where(TimetableSlot.weekday == filters["weekday"])
    slots = session.scalars(query.order_by(TimetableSlot.weekday, TimetableSlot.period, TimetableSlot.group_id,
                                           TimetableSlot.id)).all()
    loads = session.scalars(select(TeachingLoad).where(TeachingLoad.id.in_({s.load_id for s in slots}))).all() \
        if slots else []
    readable = readable_load_ids(session, caller, loads)
    return page_list([s for s in slots if s.load_id in readable], filters)


def generate_lessons(session: Session, caller: Caller, term_id: str, group_id: str | None) -> list[Lesson]:
    """One lesson per timetable slot per week of the term, holidays left out; lessons already
    there (same load, date and period) are kept as they are."""
    term = visible_term(session, caller, term_id)
    require_manager(caller, term.organisation_id)
    if term.closed_at is not None:
        raise Conflict("The term is closed.")
    query = select(TimetableSlot).where(TimetableSlot.term_id == term.id)
    if group_id:
        query = query.where(TimetableSlot.group_id == group_id)
    slots = session.scalars(query).all()
    holidays = session.scalars(select(Holiday).where(Holiday.organisation_id == term.organisation_id,
                                                     Holiday.starts_on <= term.ends_on,
                                                     Holiday.ends_on >= term.starts_on)).all()
    existing = {(r.load_id, r.date, r.period) for r in session.execute(
        select(Lesson.load_id, Lesson.date, Lesson.period).where(Lesson.term_id == term.id))}
    planned = lessons_to_generate(term.starts_on, term.ends_on,
                                  [SlotFacts(s.load_id, s.group_id, s.weekday, s.period) for s in slots],
                                  [(h.starts_on, h.ends_on) for h in holidays], existing)
    created = [Lesson(load_id=p.load_id, term_id=term.id, group_id=p.group_id, date=p.date, period=p.period,
                      kind="lesson", created_by=caller.account_id) for p in planned]
    session.add_all(created)
    session.flush()
    return created
