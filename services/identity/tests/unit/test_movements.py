"""The movement book's rules (IDN-03, IDN-04) as a table: from which placement each kind of
movement is allowed, who may order it, where the child ends up, which event says so."""
import pytest

from kabinet_identity.access import Caller, Grant, Where
from kabinet_identity.movements import MovementRefused, decide_movement
from kabinet_kit.errors import Conflict, InvalidInput

SCHOOL1, SCHOOL2 = "s1", "s2"
IN_5A, IN_5B, IN_GYM = Where(SCHOOL1, "5a"), Where(SCHOOL1, "5b"), Where(SCHOOL2, "g5a")


def admin_of(*organisations: str) -> Caller:
    return Caller("acc", "p", "staff", tuple(Grant("institution_admin", o) for o in organisations))


def test_enrolment_places_a_child_who_is_nowhere():
    plan = decide_movement(admin_of(SCHOOL1), "enrol", None, IN_5A)
    assert plan.placement == IN_5A and plan.origin is None
    assert (plan.organisation_id, plan.group_id) == (SCHOOL1, "5a")
    assert plan.event_type == "identity.child.enrolled.v1"
    assert not plan.ends_consents


def test_enrolment_of_a_placed_child_is_a_conflict_whoever_asks():
    with pytest.raises(Conflict):
        decide_movement(admin_of(SCHOOL1), "enrol", IN_5B, IN_5A)
    # The conflict is told before the permission: the placement is not a secret to staff.
    with pytest.raises(Conflict):
        decide_movement(admin_of(SCHOOL2), "enrol", IN_5B, IN_5A)


@pytest.mark.parametrize("kind", ["enrol", "transfer"])
def test_enrolment_and_transfer_need_a_group(kind):
    with pytest.raises(InvalidInput) as raised:
        decide_movement(admin_of(SCHOOL1), kind, IN_5A, None)
    assert "group_id" in raised.value.errors


def test_enrolment_is_ordered_by_the_receiving_institution_only():
    with pytest.raises(MovementRefused) as refused:
        decide_movement(admin_of(SCHOOL2), "enrol", None, IN_5A)
    assert refused.value.organisation_id == SCHOOL1
    teacher = Caller("acc", "p", "staff", (Grant("teacher", SCHOOL1),))
    with pytest.raises(MovementRefused):
        decide_movement(teacher, "enrol", None, IN_5A)


def test_transfer_within_an_institution_keeps_consents():
    plan = decide_movement(admin_of(SCHOOL1), "transfer", IN_5A, IN_5B)
    assert plan.placement == IN_5B and plan.origin == IN_5A
    assert (plan.organisation_id, plan.group_id) == (SCHOOL1, "5b")
    assert plan.event_type == "identity.child.transferred.v1"
    assert not plan.ends_consents


def test_transfer_to_another_institution_ends_consents_and_is_ordered_by_the_receiver():
    plan = decide_movement(admin_of(SCHOOL2), "transfer", IN_5A, IN_GYM)
    assert plan.placement == IN_GYM and plan.origin == IN_5A and plan.organisation_id == SCHOOL2
    assert plan.ends_consents
    # The institution the child leaves does not order it.
    with pytest.raises(MovementRefused) as refused:
        decide_movement(admin_of(SCHOOL1), "transfer", IN_5A, IN_GYM)
    assert refused.value.organisation_id == SCHOOL2


def test_transfer_into_the_same_group_or_of_an_unplaced_child_is_refused():
    with pytest.raises(InvalidInput) as same:
        decide_movement(admin_of(SCHOOL1), "transfer", IN_5A, IN_5A)
    assert "group_id" in same.value.errors
    with pytest.raises(Conflict):
        decide_movement(admin_of(SCHOOL1), "transfer", None, IN_5A)


def test_withdrawal_removes_the_placement_and_ends_consents():
    plan = decide_movement(admin_of(SCHOOL1), "withdraw", IN_5A, None)
    assert plan.placement is None and plan.origin == IN_5A
    assert (plan.organisation_id, plan.group_id) == (SCHOOL1, None)
    assert plan.event_type == "identity.child.withdrawn.v1"
    assert plan.ends_consents


def test_withdrawal_is_ordered_by_the_childs_own_institution_and_needs_a_placement():
    with pytest.raises(MovementRefused) as refused:
        decide_movement(admin_of(SCHOOL2), "withdraw", IN_5A, None)
    assert refused.value.organisation_id == SCHOOL1
    with pytest.raises(Conflict):
        decide_movement(admin_of(SCHOOL1), "withdraw", None, None)
