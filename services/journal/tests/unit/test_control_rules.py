"""The control report's rules, without a database: which lessons count as gaps in the journal's
keeping (JRN-01, JRN-06), and which pupils have no mark in a term."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kabinet_journal.control import Stay, TermFacts, lesson_gaps, unmarked_pupils


@dataclass
class L:
    id: str
    load_id: str
    date: date
    topic: str | None = "Тема"
    topic_late: bool = False


DUE = date(2026, 9, 10)  # yesterday: lessons after it are not due yet
# Counted apart from the lessons: pupils without marks, without the attestation owed.
NOTHING_ELSE = {"pupils_without_marks": 0, "without_term_mark": 0, "without_year_mark": 0, "without_final_mark": 0}


def test_gaps_count_only_lessons_whose_day_is_over_but_late_topics_always():
    lessons = [L("ok", "maths", date(2026, 9, 7)),
               L("no-topic", "maths", date(2026, 9, 8), topic=None),
               L("late", "maths", date(2026, 9, 9), topic_late=True),
               L("today", "maths", date(2026, 9, 11), topic=None),
               L("late-today", "russian", date(2026, 9, 11), topic_late=True)]
    gaps = lesson_gaps(lessons, attended={"ok", "late"}, due_until=DUE)
    assert dict(gaps.by_load["maths"]) == {"lessons": 4, "lessons_due": 3, "without_topic": 1, "late_topics": 1,
                                           "without_attendance": 1, **NOTHING_ELSE}
    assert dict(gaps.by_load["russian"]) == {"lessons": 1, "lessons_due": 0, "without_topic": 0, "late_topics": 1,
                                             "without_attendance": 0, **NOTHING_ELSE}
    assert [x.id for x in gaps.without_topic] == ["no-topic"]
    assert [x.id for x in gaps.without_attendance] == ["no-topic"]
    assert [x.id for x in gaps.late] == ["late", "late-today"]


def test_no_lessons_no_gaps():
    gaps = lesson_gaps([], attended=set(), due_until=DUE)
    assert dict(gaps.by_load) == {} and gaps.without_topic == gaps.late == gaps.without_attendance == []


Q1 = TermFacts("q1", "year", date(2026, 9, 1), date(2026, 10, 26))
Q2 = TermFacts("q2", "year", date(2026, 11, 5), date(2026, 12, 28))


def test_pupils_without_a_mark_in_a_term_of_the_loads_year():
    stays = {"5a": [Stay("ivan", date(2026, 9, 1), None), Stay("maria", date(2026, 9, 1), None),
                    Stay("left", date(2026, 9, 1), date(2026, 8, 31)),  # gone before the term
                    Stay("future", date(2026, 11, 1), None)]}  # joins after today
    loads = [("maths", "5a", "year"), ("other-year", "5a", "year-2")]
    marked = {("maths", "ivan", "q1")}
    today = date(2026, 10, 1)
    assert unmarked_pupils([Q1], loads, stays, marked, today) == [("maths", "maria", "q1")]
    # In Q2 (not begun: counted up to its start), the newcomer is in the group too.
    assert unmarked_pupils([Q2], loads, stays, marked, date(2026, 11, 5)) == [
        ("maths", "future", "q2"), ("maths", "ivan", "q2"), ("maths", "maria", "q2")]


def test_a_group_without_stays_has_no_unmarked_pupils():
    assert unmarked_pupils([Q1], [("maths", "5b", "year")], {}, set(), date(2026, 10, 1)) == []
