"""Pure rules of the portfolio (no database): partial dates (§2.7), the workflow (§7.1–7.3),
points (§7.4), working days (§8.1), access (§4.4–4.5), the catalogue's categories (§5.2.2)."""
from datetime import date

import pytest

from kabinet_kit.errors import Conflict, InvalidInput, PermissionDenied
from kabinet_portfolio.access import (
    Caller,
    Grant,
    PupilFacts,
    can_review,
    consent_missing,
    relation,
    sees_names_of,
    sees_school,
)
from kabinet_portfolio.achievements import decide_transition, partial_date
from kabinet_portfolio.catalogue import check_activity
from kabinet_portfolio.points import DEFAULT_COEFFICIENTS, Scored, full_years, points_cents, validate_table
from kabinet_portfolio.store import sniff
from kabinet_portfolio.workdays import add_working_days, is_working_day


def test_partial_dates_become_their_first_day():
    assert partial_date("2020") == (date(2020, 1, 1), date(2020, 12, 31))
    assert partial_date("2020-05") == (date(2020, 5, 1), date(2020, 5, 31))
    assert partial_date("2020-02-29") == (date(2020, 2, 29), date(2020, 2, 29))
    for bad in ("20", "2020-13", "2021-02-29", "01.05.2020"):
        with pytest.raises(InvalidInput):
            partial_date(bad)


def test_workflow_transitions():
    assert decide_transition("draft", "submit", "self") == "submitted"
    assert decide_transition("returned", "submit", "self") == "submitted"
    assert decide_transition("submitted", "approve", "tutor") == "approved"
    assert decide_transition("submitted", "return", "admin") == "returned"
    assert decide_transition("approved", "delete", "admin") == "deleted"
    with pytest.raises(PermissionDenied):
        decide_transition("submitted", "approve", "self")
    with pytest.raises(PermissionDenied):
        decide_transition("submitted", "approve", "guardian")
    with pytest.raises(Conflict):
        decide_transition("approved", "edit", "self")  # an approved achievement is locked
    with pytest.raises(Conflict):
        decide_transition("approved", "approve", "tutor")


def test_points_multiply_every_coefficient_and_fall_with_full_years():
    item = Scored(10, "regional", "remote", "team", "winner", date(2024, 6, 1))
    # 10 × 0.6 (two full years) × 0.7 × 3.0 × 0.6 × 1.6
    assert points_cents(DEFAULT_COEFFICIENTS, item, date(2026, 6, 1)) == round(10 * 0.6 * 0.7 * 3.0 * 0.6 * 1.6 * 100)
    assert full_years(date(2024, 6, 1), date(2026, 5, 31)) == 1
    assert points_cents(DEFAULT_COEFFICIENTS, item, date(2040, 1, 1)) == round(10 * 0.4 * 0.7 * 3.0 * 0.6 * 1.6 * 100)


def test_a_coefficient_table_must_be_complete():
    assert validate_table(DEFAULT_COEFFICIENTS)["level"]["international"] == 3.0
    with pytest.raises(InvalidInput) as missing:
        validate_table({**DEFAULT_COEFFICIENTS, "result": {"winner": 3}})
    assert "result" in missing.value.errors
    with pytest.raises(InvalidInput):
        validate_table({**DEFAULT_COEFFICIENTS, "time": [1, -1]})


def test_due_dates_count_russian_working_days():
    # Mon 2 Nov 2026; 4 Nov (Unity Day) is a holiday: the fifth working day is Tue 10 Nov.
    assert add_working_days(date(2026, 11, 2), 5) == date(2026, 11, 10)
    assert not is_working_day(date(2026, 11, 4)) and not is_working_day(date(2026, 11, 7))
    # Saturday 1 Nov 2025 was a working day by the Government's transfer of days off.
    assert is_working_day(date(2025, 11, 1)) and not is_working_day(date(2025, 11, 3))


def _caller(person="p", grants=(), children=()):
    return Caller("acc", person, grants=tuple(grants), children=frozenset(children))


def test_access_relations():
    pupil = PupilFacts("kid", "school", "5a", consent=True)
    assert relation(_caller("kid"), pupil) == "self"
    assert relation(_caller(children={"kid"}), pupil) == "guardian"
    assert relation(_caller(grants=[Grant("tutor", "school", "5a")]), pupil) == "tutor"
    assert relation(_caller(grants=[Grant("tutor", "school", "5b")]), pupil) is None
    assert relation(_caller(grants=[Grant("institution_admin", "school")]), pupil) == "admin"
    assert relation(_caller(grants=[Grant("institution_admin", "other")]), pupil) is None
    assert relation(_caller(grants=[Grant("department_officer", "dept")]), pupil) is None
    assert consent_missing("self", PupilFacts("kid", "school", "5a", consent=False))
    assert not consent_missing("tutor", PupilFacts("kid", "school", "5a", consent=False))
    assert can_review("tutor") and not can_review("self") and not can_review("guardian")
    assert sees_names_of(_caller(grants=[Grant("tutor", "school", "5a")]), "school", "5a")
    assert not sees_names_of(_caller(grants=[Grant("tutor", "school", "5a")]), "school", "5b")


def test_a_schools_own_lists_are_for_its_people_and_the_department():
    assert sees_school(_caller(grants=[Grant("teacher", "school")]), "school", set())
    assert sees_school(_caller(grants=[Grant("department_officer", "dept")]), "school", set())
    assert sees_school(_caller(children={"kid"}), "school", {"school"})  # a family of its pupil
    assert not sees_school(_caller(grants=[Grant("institution_admin", "other")]), "school", {"other"})
    assert not sees_school(_caller(children={"kid"}), "school", {"other"})


def test_categories_and_subsections_exactly_as_the_regulation_lists_them():
    base = {"title": "x", "organiser": "y", "starts_on": date(2026, 1, 1), "ends_on": date(2026, 2, 1),
            "level": "municipal", "base_points": 5}
    check_activity({**base, "category": "intellect", "subsection": "philology"})
    check_activity({**base, "category": "social", "subsection": None})
    check_activity({**base, "category": "technical", "subsection": "profile_camps"})
    for category, subsection in (("social", "volunteering"), ("arts", "philology"), ("sport", None)):
        with pytest.raises(InvalidInput) as bad:
            check_activity({**base, "category": category, "subsection": subsection})
        assert "subsection" in bad.value.errors


def test_documents_are_recognised_by_content():
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    assert sniff(b"\xff\xd8\xff\xe0") == "image/jpeg"
    for head in (b"\x89PNG\r\n", b"PK\x03\x04", b"MZ\x90\x00", b"hello"):
        with pytest.raises(InvalidInput) as refused:
            sniff(head)
        assert "document" in refused.value.errors
