"""The rules of a grid save, decided without a database: each cell is checked against the
loaded facts, and a bad cell is named by section, index and field."""
from __future__ import annotations

from datetime import date

from kabinet_journal.access import Caller, Grant, LoadFacts
from kabinet_journal.marks import CellFacts, Stays, decide_cells
from kabinet_journal.models import Lesson, Mark, MarkKind, TeachingLoad

SCHOOL, GROUP = "school-1", "group-5a"
MON, TUE = date(2026, 9, 7), date(2026, 9, 8)
TEACHER = Caller("teacher-acc", "teacher-person", "staff", (Grant("teacher", SCHOOL),))
OTHER_TEACHER = Caller("other-acc", "other-person", "staff", (Grant("teacher", SCHOOL),))


def facts(*, closed: set[str] | None = None, scale: str = "five") -> CellFacts:
    load = TeachingLoad(id="load-1", organisation_id=SCHOOL, group_id=GROUP, teacher_account_id="teacher-acc",
                        scale=scale)
    mon = Lesson(id="lesson-mon", load_id="load-1", term_id="term-1", group_id=GROUP, date=MON)
    tue = Lesson(id="lesson-tue", load_id="load-1", term_id="term-1", group_id=GROUP, date=TUE)
    tue2 = Lesson(id="lesson-tue-2", load_id="load-1", term_id="term-1", group_id=GROUP, date=TUE)
    mark = Mark(id="mark-1", load_id="load-1", lesson_id="lesson-mon", term_id="term-1", child_id="ivan", value="4",
                kind="oral", weight=1)
    foreign = Mark(id="mark-x", load_id="load-2", lesson_id="lesson-mon", term_id="term-1", child_id="ivan",
                   value="3", kind="oral", weight=1)
    return CellFacts(
        load=load, facts=LoadFacts(SCHOOL, GROUP, "teacher-acc"),
        lessons_by_id={lesson.id: lesson for lesson in (mon, tue, tue2)},
        lessons_by_date={MON: [mon], TUE: [tue, tue2]},
        existing={"mark-1": mark, "mark-x": foreign}, closed_terms=closed or set(),
        # Ivan all along; Maria joined on Tuesday.
        stays=Stays([("ivan", date(2026, 9, 1), None), ("maria", TUE, None)]),
        kinds={"oral": MarkKind(code="oral", weight=1), "test": MarkKind(code="test", weight=2)})


def test_valid_cells_become_new_changed_removed_and_marked():
    out = decide_cells(TEACHER, facts(), [
        {"lesson_id": "lesson-mon", "child_id": "ivan", "value": 5},
        {"date": MON, "child_id": "ivan", "value": " 3 ", "kind": "test"},
        {"mark_id": "mark-1", "child_id": "ivan", "value": "2"},
    ], ["mark-1"], [{"lesson_id": "lesson-tue", "child_id": "maria", "status": "late"}])
    assert out.errors == {}
    assert [(lesson.id, child, value, kind.code) for lesson, child, value, kind in out.new_marks] == [
        ("lesson-mon", "ivan", "5", "oral"), ("lesson-mon", "ivan", "3", "test")]
    assert [(mark.id, value, kind.code, lesson.id) for mark, value, kind, lesson in out.changed] == [
        ("mark-1", "2", "oral", "lesson-mon")]
    assert [(mark.id, lesson.id) for mark, lesson in out.removed] == [("mark-1", "lesson-mon")]
    assert [(lesson.id, child, status) for lesson, child, status in out.marked] == [("lesson-tue", "maria", "late")]


def test_values_off_the_scale_and_unknown_kinds_are_named():
    out = decide_cells(TEACHER, facts(), [{"lesson_id": "lesson-mon", "child_id": "ivan", "value": 6},
                                          {"lesson_id": "lesson-mon", "child_id": "ivan", "value": 5, "kind": "quiz"}],
                       [], [])
    assert out.errors == {"marks": {"0": {"value": ["A mark is 1 to 5."]},
                                    "1": {"kind": ["Unknown kind of mark; one of: oral, test."]}}}
    assert out.new_marks == []
    pass_fail = decide_cells(TEACHER, facts(scale="pass_fail"), [
        {"lesson_id": "lesson-mon", "child_id": "ivan", "value": 5}], [], [])
    assert pass_fail.errors["marks"]["0"]["value"] == ["A mark is pass or fail."]


def test_a_lesson_is_found_by_id_or_by_its_only_lesson_that_day():
    out = decide_cells(TEACHER, facts(), [
        {"lesson_id": "nope", "child_id": "ivan", "value": 5},
        {"child_id": "ivan", "value": 5},
        {"date": date(2026, 9, 9), "child_id": "ivan", "value": 5},
        {"date": TUE, "child_id": "ivan", "value": 5},
    ], [], [])
    errors = out.errors["marks"]
    assert errors["0"] == {"lesson_id": ["No such lesson in this group's journal for this subject."]}
    assert errors["1"] == {"lesson_id": ["A lesson_id or a date is required."]}
    assert errors["2"] == {"date": ["There is no lesson of this subject on 2026-09-09."]}
    assert errors["3"] == {"date": ["There are several lessons that day: give the lesson_id."]}


def test_closed_terms_other_teachers_and_absent_pupils_are_refused():
    closed = decide_cells(TEACHER, facts(closed={"term-1"}), [
        {"lesson_id": "lesson-mon", "child_id": "ivan", "value": 5}], ["mark-1"], [])
    assert closed.errors == {"marks": {"0": {"lesson_id": ["The term is closed: its marks are locked."]}},
                             "deletions": {"0": {"lesson_id": ["The term is closed: its marks are locked."]}}}
    stranger = decide_cells(OTHER_TEACHER, facts(), [], [], [
        {"lesson_id": "lesson-mon", "child_id": "ivan", "status": "present"}])
    assert stranger.errors == {"attendance": {"0": {"lesson_id": ["You do not keep this journal on that day."]}}}
    not_yet = decide_cells(TEACHER, facts(), [{"lesson_id": "lesson-mon", "child_id": "maria", "value": 5}], [], [])
    assert not_yet.errors == {"marks": {"0": {"child_id": ["The pupil was not in the group on 2026-09-07."]}}}
    assert not_yet.new_marks == []


def test_marks_must_be_this_journals_and_this_pupils():
    out = decide_cells(TEACHER, facts(), [{"mark_id": "mark-x", "child_id": "ivan", "value": 5},
                                          {"mark_id": "mark-1", "child_id": "maria", "value": 5}],
                       ["mark-x", "missing"], [])
    assert out.errors == {
        "marks": {"0": {"mark_id": ["No such mark in this journal."]},
                  "1": {"child_id": ["The mark belongs to another pupil."]}},
        "deletions": {"0": {"mark_id": ["No such mark in this journal."]},
                      "1": {"mark_id": ["No such mark in this journal."]}}}
    assert out.changed == [] and out.removed == []


def test_attendance_needs_a_known_status():
    out = decide_cells(TEACHER, facts(), [], [], [{"lesson_id": "lesson-mon", "child_id": "ivan", "status": "gone"}])
    assert out.errors == {"attendance": {"0": {"status": [
        "One of: present, late, absent_ill, absent_valid, absent_unexcused."]}}}
    assert out.marked == []


def test_attendance_waits_for_the_lessons_day_and_a_grid_save_stays_in_its_term():
    known = facts()
    known.today = MON  # Tuesday's lesson has not taken place yet
    out = decide_cells(TEACHER, known, [], [], [{"lesson_id": "lesson-mon", "child_id": "ivan", "status": "present"},
                                                {"lesson_id": "lesson-tue", "child_id": "ivan", "status": "present"}])
    assert list(out.errors["attendance"]) == ["1"] and TUE.isoformat() in out.errors["attendance"]["1"]["date"][0]
    assert [lesson.id for lesson, _child, _status in out.marked] == ["lesson-mon"]  # errors: nothing is applied
    other_term = facts()
    other_term.term_id = "term-2"
    out = decide_cells(TEACHER, other_term, [{"lesson_id": "lesson-mon", "child_id": "ivan", "value": 5}], [], [])
    assert "lesson_id" in out.errors["marks"]["0"] and out.new_marks == []


def test_a_topic_or_homework_waits_for_the_lessons_day():
    from kabinet_journal.lessons import future_entries

    assert future_entries(TUE, MON, {"topic": "Дроби", "homework": " ", "material": "Учебник"}) == {
        "topic": [f"The lesson of {TUE.isoformat()} has not taken place yet: this is entered on its day or later."]}
    assert future_entries(MON, MON, {"topic": "Дроби", "homework": "№ 1"}) == {}
