"""The pure rules of the school year's structure: a term fits the year beside its siblings, and
the lessons a timetable generates for a term."""
from __future__ import annotations

from datetime import date

from kabinet_journal.lessons import TopicEntry, topic_entry
from kabinet_journal.structure import TermSpan, YearSpan, term_problems
from kabinet_journal.timetable import PlannedLesson, SlotFacts, lessons_to_generate

YEAR = YearSpan("2026/2027", date(2026, 9, 1), date(2027, 8, 31))
Q1 = TermSpan("quarter", 1, date(2026, 9, 1), date(2026, 10, 26))


def test_a_term_that_fits_has_no_problems():
    q2 = TermSpan("quarter", 2, date(2026, 11, 5), date(2026, 12, 28))
    assert term_problems(q2, YEAR, [Q1]) == {}
    assert term_problems(Q1, YEAR, []) == {}


def test_a_term_beyond_the_kinds_count_is_refused():
    assert term_problems(TermSpan("half", 3, date(2027, 1, 1), date(2027, 2, 1)), YEAR, [])["number"] == [
        "A year has 2 terms of kind half."]
    assert term_problems(TermSpan("trimester", 3, date(2027, 3, 1), date(2027, 5, 31)), YEAR, []) == {}


def test_a_term_that_ends_before_it_starts_or_leaves_the_year_is_refused():
    backwards = term_problems(TermSpan("quarter", 1, date(2026, 10, 1), date(2026, 9, 1)), YEAR, [])
    assert backwards["ends_on"] == ["Ends before it starts."]
    outside = term_problems(TermSpan("quarter", 4, date(2027, 6, 1), date(2027, 9, 15)), YEAR, [])
    assert outside["starts_on"] == ["The term must lie within the academic year 2026/2027."]
    early = term_problems(TermSpan("quarter", 1, date(2026, 8, 31), date(2026, 10, 1)), YEAR, [])
    assert "starts_on" in early


def test_a_year_keeps_one_kind_of_term_numbered_once_without_overlaps():
    other_kind = term_problems(TermSpan("half", 2, date(2027, 1, 1), date(2027, 5, 31)), YEAR, [Q1])
    assert other_kind == {"kind": ["The institution's year is divided into terms of another kind."]}
    same_number = term_problems(TermSpan("quarter", 1, date(2026, 11, 5), date(2026, 12, 28)), YEAR, [Q1])
    assert same_number == {"number": ["This term exists already."]}
    overlap = term_problems(TermSpan("quarter", 2, date(2026, 10, 26), date(2026, 12, 28)), YEAR, [Q1])
    assert overlap == {"starts_on": ["Overlaps another term."]}
    # Outside the year and overlapping: both said under starts_on.
    both = term_problems(TermSpan("quarter", 2, date(2026, 8, 1), date(2026, 9, 10)), YEAR, [Q1])
    assert both["starts_on"] == ["The term must lie within the academic year 2026/2027.", "Overlaps another term."]


MONDAY, WEDNESDAY = 1, 3


def test_lessons_are_generated_on_each_slots_weekday_of_the_term():
    slots = [SlotFacts("maths", "5a", MONDAY, 2), SlotFacts("russian", "5a", WEDNESDAY, 1)]
    # 2026-09-07 is a Monday; two weeks.
    planned = lessons_to_generate(date(2026, 9, 7), date(2026, 9, 20), slots, [], set())
    assert planned == [PlannedLesson("maths", "5a", date(2026, 9, 7), 2),
                       PlannedLesson("russian", "5a", date(2026, 9, 9), 1),
                       PlannedLesson("maths", "5a", date(2026, 9, 14), 2),
                       PlannedLesson("russian", "5a", date(2026, 9, 16), 1)]


def test_no_lesson_on_a_holiday_nor_where_the_load_has_one_already():
    slots = [SlotFacts("maths", "5a", MONDAY, 2)]
    holidays = [(date(2026, 9, 14), date(2026, 9, 14))]
    existing = {("maths", date(2026, 9, 21), 2), ("maths", date(2026, 9, 28), 3)}
    planned = lessons_to_generate(date(2026, 9, 7), date(2026, 9, 28), slots, holidays, existing)
    # The 14th is a holiday, the 21st has its lesson; the 28th has one only at another period.
    assert [p.date for p in planned] == [date(2026, 9, 7), date(2026, 9, 28)]


def test_a_term_without_slots_or_days_generates_nothing():
    assert lessons_to_generate(date(2026, 9, 7), date(2026, 9, 20), [], [], set()) == []
    assert lessons_to_generate(date(2026, 9, 8), date(2026, 9, 7), [SlotFacts("m", "g", 1, 1)], [], set()) == []


LESSON_DAY = date(2026, 9, 7)


def test_the_first_topic_conducts_the_lesson_on_time_or_late():
    assert topic_entry(None, False, "Дроби", LESSON_DAY, LESSON_DAY) == TopicEntry(conducted_now=True, late=False)
    assert topic_entry(None, False, "Дроби", LESSON_DAY, date(2026, 9, 8)) == TopicEntry(conducted_now=True,
                                                                                          late=True)


def test_a_topic_given_again_after_being_cleared_does_not_conduct_the_lesson_twice():
    assert topic_entry(None, True, "Дроби", LESSON_DAY, LESSON_DAY) == TopicEntry(conducted_now=False, late=False)


def test_changing_or_clearing_a_topic_records_no_entry():
    assert topic_entry("Дроби", True, "Десятичные дроби", LESSON_DAY, date(2026, 9, 9)) is None
    assert topic_entry(None, False, None, LESSON_DAY, LESSON_DAY) is None
    assert topic_entry(None, False, "", LESSON_DAY, LESSON_DAY) is None
