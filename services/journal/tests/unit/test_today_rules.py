"""What a lesson of the day still lacks, and who counts as absent today."""
from kabinet_journal.today import absent_pupils, missing_in


def test_a_lesson_lacks_what_is_not_entered_in_the_order_a_teacher_fills_it():
    assert missing_in(None, 0, 0) == ["topic", "attendance", "marks"]
    assert missing_in("", 3, 0) == ["topic", "marks"]
    assert missing_in("Дроби", 3, 1) == []


def test_any_kind_of_absence_counts_once_and_late_is_present():
    statuses = [("a", "absent_ill"), ("a", "absent_unexcused"), ("b", "late"), ("c", "present"),
                ("d", "absent_valid")]
    assert absent_pupils(statuses) == {"a", "d"}
