"""The journal's service layer, part two: marks, attendance, the teacher's grid.

Every write goes through ``save_cells``: all cells are checked first against facts loaded in
a fixed number of queries (never one per pupil), and only if every cell is valid is anything
written — a grid save is atomic, and a bad cell is named in the errors.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, or_, select, tuple_
from sqlalchemy.orm import Session

from kabinet_kit.db import new_id
from kabinet_kit.errors import InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow
from kabinet_kit.outbox import bulk_insert
from kabinet_kit.paging import paginate

from . import access
from .access import Caller, LoadFacts
from .deps import Deps, local_today
from .lookups import mark_kinds, readable_load
from .models import (
    Attendance,
    Lesson,
    Mark,
    MarkChange,
    MarkKind,
    Membership,
    TeachingLoad,
    Term,
)

FIVE = ("1", "2", "3", "4", "5")
PASS_FAIL = ("pass", "fail")
ATTENDANCE = ("present", "late", "absent_ill", "absent_valid", "absent_unexcused")


def public_attendance_status(status: str) -> str:
    """The status as the public event carries it: every kind of absence is just ``absent`` (the
    reason, an illness among them, is health data and stays in the journal)."""
    return "absent" if status.startswith("absent") else status


def normalise_value(scale: str, value) -> str | None:
    """The mark as stored, or None when it is not on the load's scale."""
    text = str(value).strip().lower() if value is not None and not isinstance(value, bool) else ""
    allowed = FIVE if scale == "five" else PASS_FAIL
    return text if text in allowed else None


def scale_message(scale: str) -> str:
    return "A mark is 1 to 5." if scale == "five" else "A mark is pass or fail."


class Stays:
    """The group's memberships, to answer "was this pupil in the group on that day?"."""

    def __init__(self, rows):
        self.by_child = defaultdict(list)
        for child_id, start, end in rows:
            self.by_child[child_id].append((start, end))

    @classmethod
    def of_group(cls, session: Session, group_id: str) -> Stays:
        return cls(session.execute(select(Membership.child_id, Membership.starts_on, Membership.ends_on)
                                   .where(Membership.group_id == group_id)).all())

    def member(self, child_id: str, on: date) -> bool:
        return any(start <= on and (end is None or end >= on) for start, end in self.by_child.get(child_id, ()))

    def during(self, start: date, end: date) -> list[str]:
        return [c for c, stays in self.by_child.items()
                if any(s <= end and (e is None or e >= start) for s, e in stays)]


def _placement(load: TeachingLoad) -> dict:
    return {"load_id": load.id, "organisation_id": load.organisation_id, "group_id": load.group_id,
            "subject_id": load.subject_id}


@dataclass
class CellFacts:
    """What deciding a grid save needs, loaded once for all its cells."""
    load: TeachingLoad
    facts: LoadFacts
    lessons_by_id: dict[str, Lesson]
    lessons_by_date: dict[date, list[Lesson]]
    existing: dict[str, Mark]
    closed_terms: set[str]
    stays: Stays
    kinds: dict[str, MarkKind]
    #: The only term whose lessons the save may touch (None: any).
    term_id: str | None = None
    #: The institution's day: nothing is recorded in a lesson after it.
    today: date | None = None


@dataclass
class CellChanges:
    """What a grid save will write, or why nothing will (errors by section, cell index, field)."""
    new_marks: list[tuple[Lesson, str, str, MarkKind]] = field(default_factory=list)
    changed: list[tuple[Mark, str, MarkKind, Lesson]] = field(default_factory=list)
    removed: list[tuple[Mark, Lesson]] = field(default_factory=list)
    marked: list[tuple[Lesson, str, str]] = field(default_factory=list)
    errors: dict[str, dict[str, dict[str, list[str]]]] = field(default_factory=dict)


def save_cells(deps: Deps, session: Session, caller: Caller, load_id: str, body: dict[str, Any],
               missing: str = "No such teaching load.", *, term_id: str | None = None,
               precondition: Callable[[], object] | None = None, today: date | None = None) -> dict[str, Any]:
    """Apply marks (new or changed), mark deletions and attendance for one load, atomically.
    ``missing``: the answer when the caller may not even read the load (the lesson or mark asked for).
    ``term_id``: every cell must lie in that term (a grid save is one term's grid);
    ``precondition``: checked once the caller may write, before any cell is (the grid's If-Match);
    ``today``: the day the save is made on (the institution's today unless told)."""
    load, facts = readable_load(session, caller, load_id, missing)
    if not (access.is_load_teacher(caller, facts) or access.substitutes(caller, facts)):
        raise PermissionDenied("You do not keep this group's journal for this subject.")
    if precondition is not None:
        precondition()
    marks_in, deletions = body.get("marks") or [], body.get("deletions") or []
    attendance_in = body.get("attendance") or []
    known = _cell_facts(session, load, facts, marks_in, deletions, attendance_in)
    known.term_id, known.today = term_id, today or local_today(deps)
    changes = decide_cells(caller, known, marks_in, deletions, attendance_in)
    if changes.errors:
        raise InvalidInput("Nothing was saved: some cells are invalid; see errors.", errors=changes.errors)
    return _apply_cells(deps, session, caller, load, changes)


def _cell_facts(session: Session, load: TeachingLoad, facts: LoadFacts, marks_in: list[dict[str, Any]],
                deletions: list[Any], attendance_in: list[dict[str, Any]]) -> CellFacts:
    lesson_ids = {str(c["lesson_id"]) for c in marks_in + attendance_in if c.get("lesson_id")}
    dates = {c["date"] for c in marks_in + attendance_in if c.get("date") and not c.get("lesson_id")}
    mark_ids = {str(c["mark_id"]) for c in marks_in if c.get("mark_id")} | {str(m) for m in deletions}
    lessons_by_id: dict[str, Lesson] = {}
    lessons_by_date: dict[date, list[Lesson]] = defaultdict(list)
    if lesson_ids or dates:
        for lesson in session.scalars(select(Lesson).where(Lesson.load_id == load.id, or_(
                Lesson.id.in_(lesson_ids), Lesson.date.in_(dates)))):
            lessons_by_id[lesson.id] = lesson
            lessons_by_date[lesson.date].append(lesson)
    existing: dict[str, Mark] = {}
    if mark_ids:
        existing = {m.id: m for m in session.scalars(select(Mark).where(Mark.id.in_(mark_ids)))}
        # The lessons of marks being changed or deleted, in the same one query for all of them.
        missing = {m.lesson_id for m in existing.values()} - set(lessons_by_id)
        if missing:
            for lesson in session.scalars(select(Lesson).where(Lesson.load_id == load.id, Lesson.id.in_(missing))):
                lessons_by_id.setdefault(lesson.id, lesson)
    term_ids = {lesson.term_id for lesson in lessons_by_id.values()} | {m.term_id for m in existing.values()}
    closed = set(session.scalars(select(Term.id).where(Term.id.in_(term_ids), Term.closed_at.is_not(None)))) \
        if term_ids else set()
    return CellFacts(load, facts, lessons_by_id, lessons_by_date, existing, closed,
                     Stays.of_group(session, load.group_id), mark_kinds(session, load.organisation_id))


def decide_cells(caller: Caller, known: CellFacts, marks_in: list[dict[str, Any]], deletions: list[Any],
                 attendance_in: list[dict[str, Any]]) -> CellChanges:
    """Every cell checked against the loaded facts: the lesson (by id, or the only one that
    day), an open term, the caller keeping the journal that day, the pupil in the group that
    day, a value on the load's scale, a known kind, a mark of this journal and this pupil."""
    load, out = known.load, CellChanges()

    def fail(section: str, index: int, field: str, message: str) -> None:
        out.errors.setdefault(section, {}).setdefault(str(index), {}).setdefault(field, []).append(message)

    def lesson_for(section: str, index: int, cell: dict[str, Any]) -> Lesson | None:
        if cell.get("lesson_id"):
            lesson = known.lessons_by_id.get(str(cell["lesson_id"]))
            if lesson is None:
                fail(section, index, "lesson_id", "No such lesson in this group's journal for this subject.")
            return lesson
        if not cell.get("date"):
            fail(section, index, "lesson_id", "A lesson_id or a date is required.")
            return None
        found = known.lessons_by_date.get(cell["date"], [])
        if not found:
            fail(section, index, "date", f"There is no lesson of this subject on {cell['date'].isoformat()}.")
            return None
        if len(found) > 1:
            fail(section, index, "date", "There are several lessons that day: give the lesson_id.")
            return None
        return found[0]

    def check_lesson(section: str, index: int, lesson: Lesson, child_id: str) -> bool:
        ok = True
        if known.term_id is not None and lesson.term_id != known.term_id:
            fail(section, index, "lesson_id", "A lesson of another term: save it in that term's grid.")
            ok = False
        if section == "attendance" and known.today is not None and lesson.date > known.today:
            # Attendance is of a lesson that took place (seed 004 §3.2): a future one has none yet.
            fail(section, index, "date", f"The lesson of {lesson.date.isoformat()} has not taken place yet: "
                                         f"attendance is marked on its day or later.")
            ok = False
        if lesson.term_id in known.closed_terms:
            fail(section, index, "lesson_id", "The term is closed: its marks are locked.")
            ok = False
        if not access.can_fill_lesson(caller, known.facts, lesson.date):
            fail(section, index, "lesson_id", "You do not keep this journal on that day.")
            ok = False
        if not known.stays.member(child_id, lesson.date):
            fail(section, index, "child_id", f"The pupil was not in the group on {lesson.date.isoformat()}.")
            ok = False
        return ok

    for i, cell in enumerate(marks_in):
        child_id = str(cell["child_id"])
        value = normalise_value(load.scale, cell.get("value"))
        if value is None:
            fail("marks", i, "value", scale_message(load.scale))
        kind = known.kinds.get(cell.get("kind") or "oral")
        if kind is None:
            fail("marks", i, "kind", f"Unknown kind of mark; one of: {', '.join(sorted(known.kinds))}.")
        lesson: Lesson | None
        if cell.get("mark_id"):
            mark = known.existing.get(str(cell["mark_id"]))
            if mark is None or mark.load_id != load.id:
                fail("marks", i, "mark_id", "No such mark in this journal.")
                continue
            if mark.child_id != child_id:
                fail("marks", i, "child_id", "The mark belongs to another pupil.")
                continue
            lesson = known.lessons_by_id[mark.lesson_id]
        else:
            lesson = lesson_for("marks", i, cell)
        if lesson is None or not check_lesson("marks", i, lesson, child_id) or value is None or kind is None:
            continue
        if cell.get("mark_id"):
            out.changed.append((known.existing[str(cell["mark_id"])], value, kind, lesson))
        else:
            out.new_marks.append((lesson, child_id, value, kind))
    for i, mark_id in enumerate(deletions):
        mark = known.existing.get(str(mark_id))
        if mark is None or mark.load_id != load.id:
            fail("deletions", i, "mark_id", "No such mark in this journal.")
            continue
        lesson = known.lessons_by_id[mark.lesson_id]
        if check_lesson("deletions", i, lesson, mark.child_id):
            out.removed.append((mark, lesson))
    for i, cell in enumerate(attendance_in):
        child_id = str(cell["child_id"])
        if cell.get("status") not in ATTENDANCE:
            fail("attendance", i, "status", f"One of: {', '.join(ATTENDANCE)}.")
        lesson = lesson_for("attendance", i, cell)
        if (lesson is None or not check_lesson("attendance", i, lesson, child_id)
                or cell.get("status") not in ATTENDANCE):
            continue
        out.marked.append((lesson, child_id, cell["status"]))
    return out


def _apply_cells(deps: Deps, session: Session, caller: Caller, load: TeachingLoad,
                 changes: CellChanges) -> dict[str, Any]:
    new_marks, changed, removed, marked = changes.new_marks, changes.changed, changes.removed, changes.marked
    now, author = utcnow(), caller.account_id
    placement = _placement(load)
    events, audit = [], []
    mark_rows: list[dict[str, Any]] = []
    results: dict[str, list[Any]] = {"marks": [], "deletions": [], "attendance": []}
    for lesson, child_id, value, kind in new_marks:
        row = {"id": new_id(), "lesson_id": lesson.id, "load_id": load.id, "term_id": lesson.term_id,
               "child_id": child_id, "kind": kind.code, "weight": kind.weight, "value": value,
               "author_account_id": author, "recorded_at": now}
        mark_rows.append(row)
        audit.append({"mark_id": row["id"], "lesson_id": lesson.id, "child_id": child_id, "action": "recorded",
                      "old_value": None, "new_value": value, "old_kind": None, "new_kind": kind.code,
                      "author_account_id": author, "at": now})
        events.append(("journal.mark.recorded.v1", _mark_event(load, placement, row, lesson.date, None)))
        results["marks"].append(row)
    if mark_rows:
        bulk_insert(session, Mark.__table__, mark_rows)
    for mark, value, kind, lesson in changed:
        if mark.value == value and mark.kind == kind.code:
            continue
        audit.append({"mark_id": mark.id, "lesson_id": mark.lesson_id, "child_id": mark.child_id, "action": "changed",
                      "old_value": mark.value, "new_value": value, "old_kind": mark.kind, "new_kind": kind.code,
                      "author_account_id": author, "at": now})
        previous = mark.value
        mark.value, mark.kind, mark.weight = value, kind.code, kind.weight
        mark.author_account_id, mark.recorded_at = author, now
        row = _mark_row(mark)
        events.append(("journal.mark.changed.v1", _mark_event(load, placement, row, lesson.date, previous)))
        results["marks"].append(row)
    for mark, lesson in removed:
        audit.append({"mark_id": mark.id, "lesson_id": mark.lesson_id, "child_id": mark.child_id, "action": "deleted",
                      "old_value": mark.value, "new_value": None, "old_kind": mark.kind, "new_kind": None,
                      "author_account_id": author, "at": now})
        row = _mark_row(mark)
        event = _mark_event(load, placement, row, lesson.date, mark.value)
        event["value"] = None
        events.append(("journal.mark.deleted.v1", event))
        results["deletions"].append(mark.id)
        session.delete(mark)
    if marked:
        keys = list({(lesson.id, child_id) for lesson, child_id, _ in marked})
        session.execute(delete(Attendance).where(tuple_(Attendance.lesson_id, Attendance.child_id).in_(keys)))
        rows = {}
        for lesson, child_id, status in marked:
            rows[(lesson.id, child_id)] = {"lesson_id": lesson.id, "child_id": child_id, "load_id": load.id,
                                           "term_id": lesson.term_id, "status": status, "author_account_id": author,
                                           "recorded_at": now}
            public_status = public_attendance_status(status)
            events.append(("journal.attendance.marked.v2", {
                **placement, "lesson_id": lesson.id, "term_id": lesson.term_id, "child_id": child_id,
                "date": lesson.date, "status": public_status, "absent": public_status == "absent",
                "author_account_id": author}))
        bulk_insert(session, Attendance.__table__, list(rows.values()))
        results["attendance"] = [{"lesson_id": r["lesson_id"], "child_id": r["child_id"], "status": r["status"]}
                                 for r in rows.values()]
    if audit:
        bulk_insert(session, MarkChange.__table__, audit)
    session.flush()
    deps.events.record_many(session, events)
    return results


def _mark_row(mark: Mark) -> dict:
    return {"id": mark.id, "lesson_id": mark.lesson_id, "load_id": mark.load_id, "term_id": mark.term_id,
            "child_id": mark.child_id, "kind": mark.kind, "weight": mark.weight, "value": mark.value,
            "author_account_id": mark.author_account_id, "recorded_at": mark.recorded_at}


def _mark_event(load: TeachingLoad, placement: dict, row: dict, on: date, previous: str | None) -> dict:
    return {**placement, "mark_id": row["id"], "lesson_id": row["lesson_id"], "term_id": row["term_id"],
            "child_id": row["child_id"], "date": on, "scale": load.scale, "kind": row["kind"],
            "weight": row["weight"], "value": row["value"], "previous_value": previous,
            "author_account_id": row["author_account_id"]}


def get_mark(session: Session, mark_id: str) -> Mark:
    mark = session.get(Mark, mark_id)
    if mark is None:
        raise NotFound("No such mark.")
    return mark


def mark_history(session: Session, caller: Caller, mark_id: str, query: dict[str, Any]) -> dict[str, Any]:
    first = session.scalar(select(MarkChange).where(MarkChange.mark_id == mark_id).order_by(MarkChange.id).limit(1))
    lesson = session.get(Lesson, first.lesson_id) if first is not None else None
    if lesson is None:
        raise NotFound("No such mark.")
    readable_load(session, caller, lesson.load_id, missing="No such mark.")
    return paginate(session, select(MarkChange).where(MarkChange.mark_id == mark_id).order_by(MarkChange.id), query)


def weighted_average(marks: list[tuple[str, int]]) -> float | None:
    """Weighted mean of five-point marks (pass/fail marks do not average)."""
    total = weight = 0
    for value, w in marks:
        if value in FIVE:
            total += int(value) * w
            weight += w
    return round(total / weight, 2) if weight else None
