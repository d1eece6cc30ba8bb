"""Who may erase whose personal data, and when the law keeps the records (IDN-08)."""
from datetime import date

import pytest

from kabinet_identity.access import Caller, Grant
from kabinet_identity.erasure import ErasureFacts, decide_erasure, records_kept_until

SCHOOL1, SCHOOL2 = "s1", "s2"
TODAY = date(2031, 6, 1)
DEPARTMENT = Caller("dept-acc", "dept-person", "staff", (Grant("department_officer"),))
ADMIN1 = Caller("adm1-acc", "adm1-person", "staff", (Grant("institution_admin", SCHOOL1),))
ADMIN2 = Caller("adm2-acc", "adm2-person", "staff", (Grant("institution_admin", SCHOOL2),))
TEACHER1 = Caller("t1-acc", "t1-person", "staff", (Grant("teacher", SCHOOL1),))


def facts(*institutions, registered_by=SCHOOL1, **extra):
    return ErasureFacts(person_id="p", registered_by=registered_by,
                        institutions=frozenset(institutions or (registered_by,)), **extra)


def action(caller, f, retention=5):
    return decide_erasure(caller, f, TODAY, retention).action


def test_the_department_erases_anyone_and_an_administrator_only_his_institutions_own():
    assert action(DEPARTMENT, facts(SCHOOL1, SCHOOL2)) == "erase"
    assert action(DEPARTMENT, facts(registered_by=None)) == "erase"
    assert action(ADMIN1, facts()) == "erase"
    # Records also in another institution (a role there, a movement, a linked child there).
    assert action(ADMIN1, facts(SCHOOL1, SCHOOL2)) == "forbidden"
    assert action(ADMIN1, facts(city_role=True)) == "forbidden"
    # Another institution's person, or no administrator at all: answered as if missing.
    assert action(ADMIN2, facts()) == "hidden"
    assert action(TEACHER1, facts()) == "hidden"
    assert action(ADMIN1, facts(registered_by=None)) == "hidden"


@pytest.mark.parametrize("caller", [DEPARTMENT, ADMIN1])
def test_the_law_keeps_a_pupils_records_while_he_learns_and_for_the_retention_period(caller):
    assert action(caller, facts(placed=True)) == "refused"
    assert action(caller, facts(left_on=date(2027, 6, 2))) == "refused"  # 5 years are up on 2032-06-02
    assert action(caller, facts(left_on=date(2026, 6, 1))) == "erase"
    assert action(caller, facts(left_on=date(2031, 5, 31)), retention=0) == "erase"
    verdict = decide_erasure(caller, facts(left_on=date(2027, 6, 2)), TODAY, 5)
    assert "2032-06-02" in verdict.reason


def test_no_one_erases_himself_and_a_second_erasure_changes_nothing():
    himself = ErasureFacts(person_id="adm1-person", registered_by=SCHOOL1, institutions=frozenset({SCHOOL1}))
    assert action(ADMIN1, himself) == "refused"
    assert action(DEPARTMENT, facts(erased=True)) == "done"
    assert action(ADMIN2, facts(erased=True)) == "hidden"


def test_records_kept_until_a_leap_day():
    assert records_kept_until(date(2028, 2, 29), 5) == date(2033, 2, 28)
