"""Pure rules of the journal: who may read and fill a teaching load's journal, who reads a
diary, the scales of marks, the weighted average, and group membership by date."""
from datetime import date

from kabinet_journal import access
from kabinet_journal.access import Caller, Grant, LoadFacts
from kabinet_journal.marks import Stays, normalise_value, weighted_average

SCHOOL, OTHER, GROUP = "school-1", "school-2", "group-5a"
LOAD = LoadFacts(SCHOOL, GROUP, "teacher-acc", (("sub-acc", date(2026, 10, 1), date(2026, 10, 7)),))


def staff(account, *grants):
    return Caller(account, f"person-{account}", "staff", tuple(grants))


def test_who_reads_and_fills_a_load():
    teacher = staff("teacher-acc", Grant("teacher", SCHOOL))
    former = staff("teacher-acc")  # the same account after its teacher role was revoked
    substitute = staff("sub-acc", Grant("teacher", SCHOOL))
    tutor = staff("tutor-acc", Grant("teacher", SCHOOL), Grant("tutor", SCHOOL, GROUP))
    deputy = staff("deputy-acc", Grant("deputy_director", SCHOOL))
    foreign_admin = staff("admin2-acc", Grant("institution_admin", OTHER))
    department = staff("dept-acc", Grant("department_officer", "city"))

    assert access.can_read_load(teacher, LOAD) and access.can_fill_lesson(teacher, LOAD, date(2026, 9, 1))
    assert not access.can_read_load(former, LOAD)
    assert access.can_fill_lesson(substitute, LOAD, date(2026, 10, 3))
    assert not access.can_fill_lesson(substitute, LOAD, date(2026, 10, 8))
    assert access.can_read_load(tutor, LOAD) and not access.can_fill_lesson(tutor, LOAD, date(2026, 10, 3))
    assert access.can_read_load(deputy, LOAD) and not access.can_fill_lesson(deputy, LOAD, date(2026, 10, 3))
    assert not access.can_read_load(foreign_admin, LOAD)
    assert not access.can_read_load(department, LOAD)
    assert access.can_read_statistics(department, SCHOOL) and access.can_read_statistics(deputy, SCHOOL)
    assert not access.can_read_statistics(foreign_admin, SCHOOL) and not access.can_read_statistics(teacher, SCHOOL)


def test_who_reads_a_diary():
    pupil = Caller("pupil-acc", "child-1", "child")
    guardian = Caller("g-acc", "guardian-1", "guardian", children=frozenset({"child-1"}))
    assert access.can_read_diary(pupil, "child-1", consent_in_force=False)
    assert not access.can_read_diary(pupil, "child-2", consent_in_force=True)
    assert access.can_read_diary(guardian, "child-1", consent_in_force=True)
    assert not access.can_read_diary(guardian, "child-1", consent_in_force=False)
    assert not access.can_read_diary(guardian, "child-2", consent_in_force=True)


def test_scales_and_the_weighted_average():
    assert [normalise_value("five", v) for v in (5, "4", " 3 ", 0, 6, "5+", True, None)] == \
        ["5", "4", "3", None, None, None, None, None]
    assert [normalise_value("pass_fail", v) for v in ("pass", "FAIL", 5)] == ["pass", "fail", None]
    assert weighted_average([("5", 1), ("3", 3)]) == 3.5
    assert weighted_average([("pass", 1)]) is None and weighted_average([]) is None


def test_membership_by_date():
    stays = Stays([("ann", date(2026, 9, 1), date(2026, 10, 31)), ("bob", date(2026, 11, 16), None)])
    assert stays.member("ann", date(2026, 10, 31)) and not stays.member("ann", date(2026, 11, 1))
    assert not stays.member("bob", date(2026, 11, 15)) and stays.member("bob", date(2027, 5, 1))
    assert sorted(stays.during(date(2026, 9, 1), date(2026, 10, 25))) == ["ann"]
    assert sorted(stays.during(date(2026, 11, 5), date(2026, 12, 29))) == ["bob"]
