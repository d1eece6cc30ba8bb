"""The annex's arithmetic: the activation steps of annex 1 and the items' shares."""
from datetime import date

import pytest

from kabinet_kit.errors import InvalidInput
from kabinet_reports.diary import (
    PupilFacts,
    SchoolFacts,
    city_figures,
    meets,
    school_figures,
    share,
    target_in_force,
    window,
)
from kabinet_reports.introduction import check_schedule


@pytest.mark.parametrize(("on", "minimum"), [
    (date(2012, 5, 15), None), (date(2012, 9, 19), None), (date(2012, 9, 20), 30), (date(2012, 10, 14), 30),
    (date(2012, 10, 15), 41), (date(2012, 11, 14), 41), (date(2012, 11, 15), 61), (date(2012, 12, 25), 61),
    (date(2013, 1, 1), 100), (date(2013, 5, 15), 100)])
def test_the_step_in_force_is_the_last_whose_deadline_has_come(on, minimum):
    step = target_in_force(on, 2012)
    assert (step.minimum if step else None) == minimum


def test_a_school_meets_a_step_from_its_lower_bound():
    step = target_in_force(date(2012, 10, 15), 2012)
    assert step is not None and (step.minimum, step.maximum) == (41, 60)
    assert meets(41.0, step) is True and meets(40.9, step) is False
    assert meets(None, step) is None and meets(10.0, None) is None


def test_shares_round_to_a_tenth_and_are_undefined_of_nothing():
    assert share(1, 3) == {"count": 1, "of": 3, "percent": 33.3}
    assert share(0, 0)["percent"] is None


def test_the_window_is_thirty_days_ending_on_the_report_date():
    assert window(date(2026, 10, 15)) == (date(2026, 9, 16), date(2026, 10, 15))


def facts() -> SchoolFacts:
    """Class A: three pupils, two with applications; class B: one pupil without."""
    pupils = [PupilFacts("p1", "A", True, False), PupilFacts("p2", "A", True, True),
              PupilFacts("p3", "A", False, False), PupilFacts("p4", "B", False, True)]
    # g1 is a parent of p1 and p4 (two classes), g2 of p2, g3 of p3.
    guardians = {"p1": {"g1"}, "p2": {"g2"}, "p3": {"g3"}, "p4": {"g1"}}
    accounts = {"g1": True, "g2": False, "g3": True, "p2": True}
    return SchoolFacts(classes=[("A", "5А"), ("B", "5Б")], pupils=pupils, guardians=guardians, accounts=accounts,
                       teachers={"t1", "t2", "t3", "t4"}, authors={"t1", "t2", "tutor-only"}, lessons=8,
                       lessons_with_topic=6)


def test_school_items_count_families_guardians_and_teachers_as_defined():
    figures = school_figures(facts(), date(2026, 10, 15), 2026)
    assert figures["pupils"] == 4
    assert figures["item8"] == {"count": 2, "of": 4, "percent": 50.0}
    assert figures["item9"]["percent"] == 75.0
    # p1, p3, p4 have a guardian with an account; p2 and p4 have a code issued
    assert figures["item12"]["parents"] == {"count": 4, "of": 4, "percent": 100.0}
    assert figures["item12"]["pupils"] == {"count": 1, "of": 4, "percent": 25.0}
    assert figures["item12"]["teachers"]["count"] == 4
    # an author who is not one of the school's teachers does not count
    assert figures["item13"] == {"count": 2, "of": 4, "percent": 50.0}
    # those who may use the service: g1 (p1) and g2 (p2); activated: g1 only
    assert figures["item14"] == {"count": 1, "of": 2, "percent": 50.0}
    assert figures["meets_target"] is True  # 41 % in force from 15.10
    a, b = figures["classes"]
    assert (a["name"], a["pupils"], a["item8"]["percent"], a["item14"]["percent"]) == ("5А", 3, 66.7, 50.0)
    assert (b["name"], b["pupils"], b["item8"]["percent"], b["item14"]["percent"]) == ("5Б", 1, 0.0, None)


def test_a_school_below_the_step_misses_it():
    figures = school_figures(facts(), date(2026, 11, 15), 2026)
    assert figures["meets_target"] is False  # 50 % < 61 %


def test_the_city_sums_counts_before_taking_shares():
    one = school_figures(facts(), date(2026, 10, 15), 2026)
    empty = school_figures(SchoolFacts(classes=[], pupils=[], guardians={}, accounts={}), date(2026, 10, 15), 2026)
    city = city_figures([one, one, empty], date(2026, 10, 15), 2026)
    assert city["totals"]["item14"] == {"count": 2, "of": 4, "percent": 50.0}
    assert city["totals"]["pupils"] == 8
    assert (city["schools_meeting"], city["schools_missing"]) == (2, 0)


def test_a_schedule_keeps_frozen_dates_and_takes_no_new_past_date():
    today = date(2026, 10, 1)
    check_schedule({date(2026, 9, 20): True}, [date(2026, 9, 20), date(2026, 10, 15)], today)
    with pytest.raises(InvalidInput) as removed:
        check_schedule({date(2026, 9, 20): True}, [date(2026, 10, 15)], today)
    assert "dates" in removed.value.errors
    with pytest.raises(InvalidInput):
        check_schedule({}, [date(2026, 9, 25)], today)
    with pytest.raises(InvalidInput):
        check_schedule({}, [date(2026, 10, 15), date(2026, 10, 15)], today)
