"""The journal's service layer, part one: the caller, the school year structure and lessons.

Every function takes the caller and checks access on each object it touches, from the
replicas of identity's facts. Errors are the kit's (problem+json at the web layer).
"""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Unauthenticated
from kabinet_kit.events import CloudEvent, CloudEventSchema, utcnow

from . import access
from .access import Caller, Grant, LoadFacts
from .bootstrap import Deps
from .models import (Account, AcademicYear, Attendance, CurriculumHours, Group, Guardianship, Holiday, Lesson, Mark,
                     MarkKind, Membership, RoleAssignment, Subject, Substitution, TeachingLoad, Term, TimetableSlot)

TERM_COUNTS = {"quarter": 4, "half": 2, "trimester": 3}
LESSON_KINDS = ("lesson", "practical_work", "excursion", "competition")


# -- the caller ------------------------------------------------------------------------------
_accounts, _roles, _guardianships = Account.__table__, RoleAssignment.__table__, Guardianship.__table__
# The account, its roles and (for a guardian) its children in one statement: one row per role ×
# child, NULLs where there are none. Built once: every request runs it.
_CALLER = (select(_accounts.c.person_id, _accounts.c.person_kind, _accounts.c.active, _roles.c.id, _roles.c.role,
                  _roles.c.organisation_id, _roles.c.group_id, _guardianships.c.child_id)
           .select_from(_accounts.outerjoin(_roles, _roles.c.account_id == _accounts.c.id)
                        .outerjoin(_guardianships, and_(_guardianships.c.guardian_person_id == _accounts.c.person_id,
                                                        _accounts.c.person_kind == "guardian")))
           .where(_accounts.c.id == bindparam("account_id")))


def load_caller(session: Session, account_id: str) -> Caller:
    """The caller as the journal's replicas know it (roles from identity's events, not the token)."""
    rows = session.connection().execute(_CALLER, {"account_id": account_id}).all()
    if not rows or not rows[0].active:
        raise Unauthenticated("The account is not active in the journal.")
    grants, seen = [], set()
    for row in rows:
        if row.id is not None and row.id not in seen:
            seen.add(row.id)
            grants.append(Grant(row.role, row.organisation_id, row.group_id))
    children = frozenset(row.child_id for row in rows if row.child_id is not None)
    return Caller(account_id, rows[0].person_id, rows[0].person_kind, tuple(grants), children)


def local_today(deps: Deps) -> date:
    return datetime.now(ZoneInfo(deps.settings.timezone)).date()


# -- events ---------------------------------------------------------------------------------
_SCHEMAS: dict[str, object] = {}
_ENVELOPE = CloudEventSchema()


def _contract_schema(registry, type_: str):
    # Schemas are built once per type: building one per event cost more than the SQL of a grid save.
    schema = _SCHEMAS.get(type_)
    if schema is None:
        schema = _SCHEMAS[type_] = registry.get(type_).schema()
    return schema


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value) if isinstance(value, uuid.UUID) else value


def record_many(deps: Deps, session: Session, events: Iterable[tuple[str, dict]]) -> None:
    """Many events into the outbox with one INSERT (a grid save makes dozens).

    The first event of each type in the batch goes through its contract's schema exactly as
    EventRecorder.record does; the others were built by the same code from the same kind of
    rows, so they are checked to have the same fields and converted without marshmallow (the
    schema round trip per event cost more than all the SQL of a grid save)."""
    recorder = deps.events
    correlation_id = recorder.correlation_id()
    first: dict[str, tuple[set, dict, dict, datetime]] = {}   # type → (given fields, clean data, envelope, time)
    rows = []
    for type_, data in events:
        contract = recorder.registry.get(type_)
        if type_ not in first:
            schema = _contract_schema(recorder.registry, type_)
            clean = schema.dump(schema.load(data))
            event = CloudEvent(type=type_, source=recorder.source, data=clean, correlationid=correlation_id)
            first[type_] = (set(data), clean, _ENVELOPE.dump(event), event.time)
        else:
            if set(data) != first[type_][0]:
                raise ValueError(f"{type_}: fields differ from the batch's first event")
            clean = {k: _jsonable(data.get(k)) for k in first[type_][1]}
        subject = str(clean[contract.subject_field]) if clean.get(contract.subject_field) is not None else None
        envelope = {**first[type_][2], "id": str(uuid.uuid4()), "subject": subject, "data": clean}
        rows.append({"event_id": envelope["id"], "event_type": type_, "exchange": contract.exchange,
                     "routing_key": contract.routing_key, "created_at": first[type_][3],
                     "body": json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))})
    bulk_insert(session, recorder.outbox, rows)


def bulk_insert(session: Session, table, rows: list[dict]) -> None:
    """Rows of a grid save in one go. On PostgreSQL by COPY inside the request's transaction
    (a multi-row INSERT of a few hundred parameters costs psycopg more to parse than the
    database to run); elsewhere by executemany."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    with connection.connection.driver_connection.cursor() as cursor, \
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


# -- facts ----------------------------------------------------------------------------------
def get_group(session: Session, group_id: str) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound("No such group.")
    return group


def get_load(session: Session, load_id: str) -> TeachingLoad:
    load = session.get(TeachingLoad, load_id)
    if load is None:
        raise NotFound("No such teaching load.")
    return load


def load_facts(session: Session, load: TeachingLoad) -> LoadFacts:
    subs = tuple(tuple(r) for r in session.execute(
        select(Substitution.account_id, Substitution.starts_on, Substitution.ends_on)
        .where(Substitution.load_id == load.id)))
    return LoadFacts(load.organisation_id, load.group_id, load.teacher_account_id, subs)


def readable_load(session: Session, caller: Caller, load_id: str) -> tuple[TeachingLoad, LoadFacts]:
    load = get_load(session, load_id)
    facts = load_facts(session, load)
    if not access.can_read_load(caller, facts):
        raise PermissionDenied("This group's journal for this subject is not yours to see.")
    return load, facts


def term_of(session: Session, organisation_id: str, academic_year_id: str, on: date) -> Term | None:
    return session.scalar(select(Term).where(Term.organisation_id == organisation_id,
                                             Term.academic_year_id == academic_year_id,
                                             Term.starts_on <= on, Term.ends_on >= on))


def get_term(session: Session, term_id: str) -> Term:
    term = session.get(Term, term_id)
    if term is None:
        raise NotFound("No such term.")
    return term


def pupils_on(session: Session, group_id: str, on: date) -> set[str]:
    return set(session.scalars(select(Membership.child_id).where(
        Membership.group_id == group_id, Membership.starts_on <= on,
        or_(Membership.ends_on.is_(None), Membership.ends_on >= on))))


def _require_manager(caller: Caller, organisation_id: str) -> None:
    if not caller.manages(organisation_id):
        raise PermissionDenied("Only the institution's administrator or deputy director may do this.")


# -- terms, holidays, subjects, curriculum ------------------------------------------------------
def create_term(deps: Deps, session: Session, caller: Caller, data: dict) -> Term:
    org, year_id = str(data["organisation_id"]), str(data["academic_year_id"])
    _require_manager(caller, org)
    year = session.get(AcademicYear, year_id)
    if year is None:
        raise InvalidInput("Unknown academic year.", errors={"academic_year_id": ["No such academic year."]})
    kind, number, starts, ends = data["kind"], data["number"], data["starts_on"], data["ends_on"]
    errors = {}
    if number > TERM_COUNTS[kind]:
        errors["number"] = [f"A year has {TERM_COUNTS[kind]} terms of kind {kind}."]
    if ends < starts:
        errors["ends_on"] = ["Ends before it starts."]
    if starts < year.starts_on or ends > year.ends_on:
        errors["starts_on"] = [f"The term must lie within the academic year {year.name}."]
    siblings = session.scalars(select(Term).where(Term.organisation_id == org, Term.academic_year_id == year_id)).all()
    if any(t.kind != kind for t in siblings):
        errors["kind"] = ["The institution's year is divided into terms of another kind."]
    if any(t.number == number for t in siblings):
        errors["number"] = ["This term exists already."]
    if any(t.starts_on <= ends and starts <= t.ends_on for t in siblings):
        errors.setdefault("starts_on", []).append("Overlaps another term.")
    if errors:
        raise InvalidInput("The term does not fit the year.", errors=errors)
    term = Term(organisation_id=org, academic_year_id=year_id, kind=kind, number=number, starts_on=starts, ends_on=ends)
    session.add(term)
    session.flush()
    return term


def require_structure_reader(session: Session, caller: Caller, organisation_id: str) -> None:
    children = set(caller.children) | ({caller.person_id} if caller.person_kind == "child" else set())
    families = set(session.scalars(select(Membership.organisation_id).where(Membership.child_id.in_(children)))) \
        if children else set()
    if not access.can_read_structure(caller, organisation_id, families):
        raise PermissionDenied("This institution's journal is not yours to see.")


def list_terms(session: Session, caller: Caller, organisation_id: str, academic_year_id: str | None) -> list[Term]:
    require_structure_reader(session, caller, organisation_id)
    query = select(Term).where(Term.organisation_id == organisation_id)
    if academic_year_id:
        query = query.where(Term.academic_year_id == academic_year_id)
    return session.scalars(query.order_by(Term.starts_on)).all()


def create_holiday(session: Session, caller: Caller, data: dict) -> Holiday:
    org = str(data["organisation_id"])
    _require_manager(caller, org)
    if data["ends_on"] < data["starts_on"]:
        raise InvalidInput("Ends before it starts.", errors={"ends_on": ["Ends before it starts."]})
    holiday = Holiday(organisation_id=org, starts_on=data["starts_on"], ends_on=data["ends_on"], name=data["name"])
    session.add(holiday)
    session.flush()
    return holiday


def list_holidays(session: Session, caller: Caller, organisation_id: str) -> list[Holiday]:
    require_structure_reader(session, caller, organisation_id)
    return session.scalars(select(Holiday).where(Holiday.organisation_id == organisation_id)
                           .order_by(Holiday.starts_on)).all()


def list_curriculum(session: Session, caller: Caller, organisation_id: str,
                    academic_year_id: str | None) -> list[CurriculumHours]:
    require_structure_reader(session, caller, organisation_id)
    query = select(CurriculumHours).where(CurriculumHours.organisation_id == organisation_id)
    if academic_year_id:
        query = query.where(CurriculumHours.academic_year_id == academic_year_id)
    return session.scalars(query.order_by(CurriculumHours.grade_level, CurriculumHours.subject_id)).all()


def create_subject(session: Session, caller: Caller, data: dict) -> Subject:
    org = str(data["organisation_id"])
    _require_manager(caller, org)
    name = data["name"].strip()
    if session.scalar(select(Subject).where(Subject.organisation_id == org, Subject.name == name)):
        raise Conflict("The subject exists already.", errors={"name": ["Already exists."]})
    subject = Subject(organisation_id=org, name=name)
    session.add(subject)
    session.flush()
    return subject


def set_curriculum_hours(session: Session, caller: Caller, data: dict) -> CurriculumHours:
    org = str(data["organisation_id"])
    _require_manager(caller, org)
    subject = session.get(Subject, str(data["subject_id"]))
    if subject is None or subject.organisation_id != org:
        raise InvalidInput("Unknown subject.", errors={"subject_id": ["Not a subject of this institution."]})
    key = (CurriculumHours.organisation_id == org, CurriculumHours.academic_year_id == str(data["academic_year_id"]),
           CurriculumHours.grade_level == data.get("grade_level") if data.get("grade_level") is not None
           else CurriculumHours.grade_level.is_(None), CurriculumHours.subject_id == subject.id)
    row = session.scalar(select(CurriculumHours).where(*key))
    if row is None:
        row = CurriculumHours(organisation_id=org, academic_year_id=str(data["academic_year_id"]),
                              grade_level=data.get("grade_level"), subject_id=subject.id, hours=data["hours"])
        session.add(row)
    else:
        row.hours = data["hours"]
    session.flush()
    return row


# -- teaching load and substitutes ------------------------------------------------------------
def _teacher_account(session: Session, account_id: str, organisation_id: str, field: str) -> None:
    account = session.get(Account, account_id)
    teaches = session.scalar(select(RoleAssignment.id).where(
        RoleAssignment.account_id == account_id, RoleAssignment.role == "teacher",
        RoleAssignment.organisation_id == organisation_id))
    if account is None or not account.active or not teaches:
        raise InvalidInput("Not a teacher of this institution.", errors={field: ["Not a teacher of this institution."]})


def create_load(session: Session, caller: Caller, data: dict) -> TeachingLoad:
    group = session.get(Group, str(data["group_id"]))
    if group is None:
        raise InvalidInput("Unknown group.", errors={"group_id": ["No such group."]})
    _require_manager(caller, group.organisation_id)
    subject = session.get(Subject, str(data["subject_id"]))
    if subject is None or subject.organisation_id != group.organisation_id:
        raise InvalidInput("Unknown subject.", errors={"subject_id": ["Not a subject of this institution."]})
    _teacher_account(session, str(data["teacher_account_id"]), group.organisation_id, "teacher_account_id")
    if session.scalar(select(TeachingLoad.id).where(TeachingLoad.group_id == group.id,
                                                    TeachingLoad.subject_id == subject.id)):
        raise Conflict("This group has this subject in a teaching load already.",
                       errors={"subject_id": ["Already in the group's load."]})
    load = TeachingLoad(organisation_id=group.organisation_id, academic_year_id=group.academic_year_id,
                        group_id=group.id, subject_id=subject.id, teacher_account_id=str(data["teacher_account_id"]),
                        scale=data["scale"])
    session.add(load)
    session.flush()
    return load


def change_load_teacher(session: Session, caller: Caller, load_id: str, teacher_account_id: str) -> TeachingLoad:
    load = get_load(session, load_id)
    _require_manager(caller, load.organisation_id)
    _teacher_account(session, teacher_account_id, load.organisation_id, "teacher_account_id")
    load.teacher_account_id = teacher_account_id
    # The timetable's slots follow the load to its new teacher.
    session.execute(update(TimetableSlot).where(TimetableSlot.load_id == load.id)
                    .values(teacher_account_id=teacher_account_id))
    return load


def _readable(session: Session, caller: Caller, loads: list[TeachingLoad]) -> set[str]:
    """Ids of the loads the caller may read, with the substitutions of all of them in one query."""
    subs: dict[str, list] = {}
    if loads:
        for load_id, account, start, end in session.execute(
                select(Substitution.load_id, Substitution.account_id, Substitution.starts_on, Substitution.ends_on)
                .where(Substitution.load_id.in_({l.id for l in loads}))):
            subs.setdefault(load_id, []).append((account, start, end))
    return {load.id for load in loads if access.can_read_load(caller, LoadFacts(
        load.organisation_id, load.group_id, load.teacher_account_id, tuple(subs.get(load.id, ()))))}


def list_loads(session: Session, caller: Caller, group_id: str | None, mine: bool) -> list[TeachingLoad]:
    substituted = select(Substitution.load_id).where(Substitution.account_id == caller.account_id)
    if mine:
        query = select(TeachingLoad).where(or_(TeachingLoad.teacher_account_id == caller.account_id,
                                               TeachingLoad.id.in_(substituted)))
    else:
        # Only the caller's institutions (and loads substituted elsewhere) can hold readable loads.
        organisations = {g.organisation_id for g in caller.grants if g.organisation_id}
        query = select(TeachingLoad).where(or_(TeachingLoad.organisation_id.in_(organisations),
                                               TeachingLoad.id.in_(substituted)))
    if group_id:
        query = query.where(TeachingLoad.group_id == group_id)
    loads = session.scalars(query.order_by(TeachingLoad.group_id, TeachingLoad.subject_id)).all()
    readable = _readable(session, caller, loads)
    return [load for load in loads if load.id in readable]


def add_substitution(session: Session, caller: Caller, load_id: str, data: dict) -> Substitution:
    load = get_load(session, load_id)
    _require_manager(caller, load.organisation_id)
    _teacher_account(session, str(data["account_id"]), load.organisation_id, "account_id")
    if data["ends_on"] < data["starts_on"]:
        raise InvalidInput("Ends before it starts.", errors={"ends_on": ["Ends before it starts."]})
    sub = Substitution(load_id=load.id, account_id=str(data["account_id"]), starts_on=data["starts_on"],
                       ends_on=data["ends_on"], created_by=caller.account_id)
    session.add(sub)
    session.flush()
    return sub


# -- lessons ----------------------------------------------------------------------------------
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
    load = get_load(session, load_id)
    facts = load_facts(session, load)
    on = data["date"]
    if not (caller.manages(load.organisation_id) or access.can_fill_lesson(caller, facts, on)):
        raise PermissionDenied("You do not keep this group's journal for this subject.")
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


def get_lesson(session: Session, lesson_id: str) -> Lesson:
    lesson = session.get(Lesson, lesson_id)
    if lesson is None:
        raise NotFound("No such lesson.")
    return lesson


def update_lesson(deps: Deps, session: Session, caller: Caller, lesson_id: str, data: dict) -> Lesson:
    lesson = get_lesson(session, lesson_id)
    load = get_load(session, lesson.load_id)
    facts = load_facts(session, load)
    if not access.can_fill_lesson(caller, facts, lesson.date):
        raise PermissionDenied("You do not keep this group's journal for this subject on this day.")
    term = session.get(Term, lesson.term_id)
    if term.closed_at is not None:
        raise Conflict("The term is closed: its journal is locked.")
    if "date" in data and data["date"] != lesson.date:
        new_term = _open_term_for(session, load, data["date"])
        if not access.can_fill_lesson(caller, facts, data["date"]):
            raise PermissionDenied("You do not keep this journal on that day.")
        lesson.date, lesson.term_id = data["date"], new_term.id
    _fill(deps, session, caller, load, lesson, data)
    return lesson


def _fill(deps: Deps, session: Session, caller: Caller, load: TeachingLoad, lesson: Lesson, data: dict) -> None:
    conducted_now = False
    for name in ("topic", "homework", "material"):
        if name in data:
            value = (data[name] or "").strip() or None
            if name == "topic" and value and not lesson.topic:
                # Topics belong in the journal on the day of the lesson (seed 004 §3.2).
                conducted_now = lesson.topic_entered_at is None
                lesson.topic_entered_at = utcnow()
                lesson.topic_entered_by = caller.account_id
                lesson.topic_late = local_today(deps) > lesson.date
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
    load = get_load(session, lesson.load_id)
    facts = load_facts(session, load)
    if not (caller.manages(load.organisation_id) or access.is_load_teacher(caller, facts)):
        raise PermissionDenied("You do not keep this group's journal for this subject.")
    term = session.get(Term, lesson.term_id)
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


def list_lessons(session: Session, caller: Caller, load_id: str, term_id: str | None) -> list[Lesson]:
    load, _ = readable_load(session, caller, load_id)
    query = select(Lesson).where(Lesson.load_id == load.id)
    if term_id:
        query = query.where(Lesson.term_id == term_id)
    return session.scalars(query.order_by(Lesson.date, Lesson.period)).all()


def read_lesson(session: Session, caller: Caller, lesson_id: str) -> Lesson:
    lesson = get_lesson(session, lesson_id)
    readable_load(session, caller, lesson.load_id)
    return lesson


# -- timetable and lessons generated from it ---------------------------------------------------
def add_timetable_slot(session: Session, caller: Caller, data: dict) -> TimetableSlot:
    term = get_term(session, str(data["term_id"]))
    load = get_load(session, str(data["load_id"]))
    _require_manager(caller, load.organisation_id)
    if term.organisation_id != load.organisation_id or term.academic_year_id != load.academic_year_id:
        raise InvalidInput("The term is not of the load's institution and year.", errors={"term_id": ["Other year."]})
    weekday, period = data["weekday"], data["period"]
    clash = session.execute(select(TimetableSlot, TeachingLoad).join(TeachingLoad, TeachingLoad.id == TimetableSlot.load_id)
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


def list_timetable(session: Session, caller: Caller, term_id: str, group_id: str | None) -> list[TimetableSlot]:
    term = get_term(session, term_id)
    query = select(TimetableSlot).where(TimetableSlot.term_id == term.id)
    if group_id:
        query = query.where(TimetableSlot.group_id == group_id)
    slots = session.scalars(query.order_by(TimetableSlot.weekday, TimetableSlot.period)).all()
    loads = session.scalars(select(TeachingLoad).where(TeachingLoad.id.in_({s.load_id for s in slots}))).all() \
        if slots else []
    readable = _readable(session, caller, loads)
    return [s for s in slots if s.load_id in readable]


def generate_lessons(session: Session, caller: Caller, term_id: str, group_id: str | None) -> list[Lesson]:
    """One lesson per timetable slot per week of the term, holidays left out; lessons already
    there (same load, date and period) are kept as they are."""
    term = get_term(session, term_id)
    _require_manager(caller, term.organisation_id)
    if term.closed_at is not None:
        raise Conflict("The term is closed.")
    query = select(TimetableSlot).where(TimetableSlot.term_id == term.id)
    if group_id:
        query = query.where(TimetableSlot.group_id == group_id)
    slots = session.scalars(query).all()
    holidays = session.scalars(select(Holiday).where(Holiday.organisation_id == term.organisation_id,
                                                     Holiday.starts_on <= term.ends_on,
                                                     Holiday.ends_on >= term.starts_on)).all()
    existing = {tuple(r) for r in session.execute(select(Lesson.load_id, Lesson.date, Lesson.period)
                                                  .where(Lesson.term_id == term.id))}
    created = []
    day = term.starts_on
    while day <= term.ends_on:
        if not any(h.starts_on <= day <= h.ends_on for h in holidays):
            for slot in slots:
                if slot.weekday == day.isoweekday() and (slot.load_id, day, slot.period) not in existing:
                    created.append(Lesson(load_id=slot.load_id, term_id=term.id, group_id=slot.group_id, date=day,
                                          period=slot.period, kind="lesson", created_by=caller.account_id))
        day += timedelta(days=1)
    session.add_all(created)
    session.flush()
    return created


def mark_kinds(session: Session, organisation_id: str) -> dict[str, MarkKind]:
    """Kinds valid in an institution: the defaults, overridden by the institution's own."""
    kinds = session.scalars(select(MarkKind).where(or_(MarkKind.organisation_id.is_(None),
                                                       MarkKind.organisation_id == organisation_id))).all()
    result: dict[str, MarkKind] = {}
    for kind in sorted(kinds, key=lambda k: k.organisation_id is not None):
        result[kind.code] = kind
    return result


def create_mark_kind(session: Session, caller: Caller, data: dict) -> MarkKind:
    org = str(data["organisation_id"])
    _require_manager(caller, org)
    if session.scalar(select(MarkKind).where(MarkKind.organisation_id == org, MarkKind.code == data["code"])):
        raise Conflict("This kind exists already.", errors={"code": ["Already exists."]})
    kind = MarkKind(organisation_id=org, code=data["code"], name=data["name"], weight=data["weight"])
    session.add(kind)
    session.flush()
    return kind
