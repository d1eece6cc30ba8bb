"""Issue 12's rules over plain values: who corrects a person and what a correction changes; how
an institution's book reads a movement; where each group goes in the year transition."""
from datetime import date

import pytest

from kabinet_identity.access import Caller, Grant
from kabinet_identity.corrections import decide_correction
from kabinet_identity.models import Movement
from kabinet_identity.register import register_kind
from kabinet_identity.year_transition import GroupFacts, next_stage, plan_transition, summary
from kabinet_kit.errors import InvalidInput

TODAY = date(2026, 12, 2)
CURRENT = {"last_name": "Иванова", "first_name": "Мария", "middle_name": None, "birth_date": date(2015, 4, 12),
           "email": None, "phone": None}


def caller(*grants: Grant) -> Caller:
    return Caller("acc", "p", "staff", grants)


def correct(who: Caller, wanted: dict, *, institutions=frozenset({"s1"}), erased=False):
    return decide_correction(who, institutions=set(institutions), erased=erased, current=CURRENT, wanted=wanted,
                             today=TODAY)


def test_the_persons_institution_and_the_department_correct_nobody_else():
    admin, department = caller(Grant("institution_admin", "s1")), caller(Grant("department_officer"))
    assert correct(admin, {"last_name": "Петрова"}).changes == {"last_name": "Петрова"}
    assert correct(department, {"last_name": "Петрова"}).action == "apply"
    for other in (caller(Grant("institution_admin", "s2")), caller(Grant("teacher", "s1")),
                  caller(Grant("deputy_director", "s1"))):
        assert correct(other, {"last_name": "Петрова"}).action == "hidden"
    assert correct(admin, {"last_name": "Петрова"}, erased=True).action == "erased"


def test_only_what_differs_changes_and_spaces_are_tidied():
    admin = caller(Grant("institution_admin", "s1"))
    decision = correct(admin, {"last_name": "  Иванова ", "first_name": "Мария  Анна", "middle_name": ""})
    assert decision.changes == {"first_name": "Мария Анна"}  # an empty patronymic is none, as held
    assert correct(admin, {"birth_date": date(2015, 4, 12)}).changes == {}


@pytest.mark.parametrize("wanted, field", [({"last_name": " "}, "last_name"), ({"first_name": None}, "first_name"),
                                           ({"birth_date": date(2027, 1, 1)}, "birth_date"),
                                           ({"birth_date": date(1899, 12, 31)}, "birth_date"), ({}, "_schema")])
def test_a_bad_correction_names_the_field(wanted, field):
    with pytest.raises(InvalidInput) as refused:
        correct(caller(Grant("department_officer")), wanted)
    assert field in refused.value.errors


def _entry(kind, to, came_from=None):
    return Movement(kind=kind, organisation_id=to, from_organisation_id=came_from)


def test_the_book_reads_each_movement_as_the_institution_sees_it():
    assert register_kind(_entry("enrol", "s1"), "s1") == "enrolled"
    assert register_kind(_entry("withdraw", "s1", "s1"), "s1") == "withdrawn"
    assert register_kind(_entry("transfer", "s1", "s1"), "s1") == "transferred_within"
    assert register_kind(_entry("transfer", "s2", "s1"), "s1") == "transferred_out"
    assert register_kind(_entry("transfer", "s2", "s1"), "s2") == "transferred_in"
    assert register_kind(_entry("release", "s2", "s1"), "s1") == "released"


def group(name, kind="school_class", grade=None, band=None, pupils=("a",)):
    return GroupFacts(name, name, kind, grade, band, tuple(pupils))


def test_each_group_goes_to_the_next_grade_and_the_last_leaves():
    assert next_stage(group("5А", grade=5)) == ("6А", 6, None)
    assert next_stage(group("9 «Б»", grade=9)) == ("10 «Б»", 10, None)
    assert next_stage(group("Лицейский", grade=7)) == ("Лицейский", 8, None)  # no grade in the name: kept
    assert next_stage(group("11А", grade=11)) is None
    assert next_stage(group("Солнышко", "kindergarten_group", band="senior")) == ("Солнышко", None, "preparatory")
    assert next_stage(group("Звёздочки", "kindergarten_group", band="preparatory")) is None
    with pytest.raises(LookupError):
        next_stage(group("Робототехника", "association"))


def test_the_plan_reuses_the_new_years_groups_and_counts_what_it_creates():
    steps = plan_transition([group("5А", grade=5, pupils=("a", "b")), group("5Б", grade=5),
                             group("11А", grade=11, pupils=("c",)), group("Кружок", "association")],
                            {"6А": "existing-6a"})
    by_name = {s.group_name: s for s in steps}
    assert (by_name["5А"].action, by_name["5А"].to_group_id) == ("promote", "existing-6a")
    assert (by_name["5Б"].to_name, by_name["5Б"].to_group_id) == ("6Б", None)
    assert by_name["11А"].action == "graduate" and by_name["Кружок"].action == "skip"
    counts = summary(steps, "preview")
    assert (counts["promoted"], counts["graduated"], counts["groups_created"], counts["applied"]) == (3, 1, 1, False)
