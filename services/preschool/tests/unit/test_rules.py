"""Pure rules: who reaches what, and how small cells are hidden."""
from kabinet_preschool.access import (
    Caller,
    Grant,
    can_read_child,
    can_read_group,
    can_see_organisation,
    can_write_child,
    pseudonym,
)
from kabinet_preschool.report import _card_shares
from kabinet_preschool.stats import _cells

EDUCATOR = Caller("a1", "p1", grants=(Grant("educator", "kg1", "g1"),))
ADMIN = Caller("a2", "p2", grants=(Grant("institution_admin", "kg1"),))
DEPARTMENT = Caller("a3", "p3", grants=(Grant("department_officer", "dept"),))
GUARDIAN = Caller("a4", "p4", children=frozenset({"c1"}))


def test_an_educator_reaches_only_the_own_group():
    assert can_read_child(EDUCATOR, "c1", "kg1", "g1") and can_write_child(EDUCATOR, "g1")
    assert not can_read_child(EDUCATOR, "c2", "kg1", "g2") and not can_write_child(EDUCATOR, "g2")
    assert not can_write_child(EDUCATOR, None)


def test_the_administration_reads_its_kindergarten_but_does_not_write():
    assert can_read_child(ADMIN, "c2", "kg1", "g2") and can_read_group(ADMIN, "kg1", "g2")
    assert not can_read_child(ADMIN, "c3", "kg2", "g3") and not can_write_child(ADMIN, "g2")
    assert can_see_organisation(ADMIN, "kg1") and not can_see_organisation(ADMIN, "kg2")


def test_a_guardian_reaches_own_children_only_and_the_department_no_child():
    assert can_read_child(GUARDIAN, "c1", "kg1", "g1") and not can_read_child(GUARDIAN, "c2", "kg1", "g1")
    assert not can_read_child(DEPARTMENT, "c1", "kg1", "g1") and can_see_organisation(DEPARTMENT, "kg9")


def test_pseudonym():
    assert pseudonym(7) == "Воспитанник №7"


def test_cells_under_the_threshold_and_the_total_are_hidden():
    hidden = _cells({1: 6, 2: 3}, 3, True, 5)
    assert hidden == {"children": None, "levels": {"1": 6, "2": None, "3": 0},
                      "shares": {"1": None, "2": None, "3": None}, "suppressed": True}
    shown = _cells({1: 6, 2: 5}, 3, True, 5)
    assert shown["children"] == 11 and shown["shares"] == {"1": 54.5, "2": 45.5, "3": 0.0} and not shown["suppressed"]
    group = _cells({1: 1}, 3, False, 5)
    assert group["levels"] == {"1": 1, "2": 0, "3": 0} and group["children"] == 1


def test_card_shares_leave_out_suppressed_indicators():
    stats = {"cards": [{"card_title": "Речь", "indicators": [
        {"suppressed": False, "levels": {"1": 5, "2": 5, "3": 0}},
        {"suppressed": True, "levels": {"1": 9, "2": None, "3": 0}}]}]}
    assert _card_shares(stats) == {"Речь": {1: 50.0, 2: 50.0, 3: 0.0}}
