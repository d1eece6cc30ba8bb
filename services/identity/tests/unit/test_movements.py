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
    plan = decide_movement(admin_of(SCHOOL2), "transfer", IN_5A, IN_GYM, released=True)
    assert plan.placement == IN_GYM and plan.origin == IN_5A and plan.organisation_id == SCHOOL2
    assert plan.ends_consents
    # The institution the child leaves does not order it.
    with pytest.raises(MovementRefused) as refused:
        decide_movement(admin_of(SCHOOL1), "transfer", IN_5A, IN_GYM, released=True)
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


DEPARTMENT = Caller("acc", "p", "staff", (Grant("department_officer", None),))


def test_transfer_from_another_institution_needs_its_release():
    """Issue 11, finding 9: an administrator cannot take another institution's pupil by ordering a transfer
    in; the sending institution's transfer out (release) comes first, or the department orders it."""
    with pytest.raises(Conflict) as unreleased:
        decide_movement(admin_of(SCHOOL2), "transfer", IN_5A, IN_GYM)
    assert "child_id" in unreleased.value.errors
    plan = decide_movement(admin_of(SCHOOL2), "transfer", IN_5A, IN_GYM, released=True)
    assert plan.placement == IN_GYM and plan.ends_consents
    by_department = decide_movement(DEPARTMENT, "transfer", IN_5A, IN_GYM)
    assert by_department.placement == IN_GYM and by_department.organisation_id == SCHOOL2
    # Within one institution no release is asked for, and the department does not order it.
    assert decide_movement(admin_of(SCHOOL1), "transfer", IN_5A, IN_5B).placement == IN_5B
    with pytest.raises(MovementRefused):
        decide_movement(DEPARTMENT, "transfer", IN_5A, IN_5B)


def test_release_is_a_book_entry_by_the_sending_institution_that_moves_nobody():
    """Issue 11, finding 9: the transfer out order names the receiving institution; the child stays placed."""
    plan = decide_movement(admin_of(SCHOOL1), "release", IN_5A, Where(SCHOOL2, None))
    assert plan.placement == IN_5A and plan.origin == IN_5A
    assert (plan.organisation_id, plan.group_id) == (SCHOOL2, None)
    assert plan.event_type == "identity.child.released.v1"
    assert not plan.ends_consents
    with pytest.raises(MovementRefused) as refused:
        decide_movement(admin_of(SCHOOL2), "release", IN_5A, Where(SCHOOL2, None))
    assert refused.value.organisation_id == SCHOOL1


def test_release_needs_a_placed_child_and_another_institution():
    with pytest.raises(Conflict):
        decide_movement(admin_of(SCHOOL1), "release", None, Where(SCHOOL2, None))
    with pytest.raises(InvalidInput) as missing:
        decide_movement(admin_of(SCHOOL1), "release", IN_5A, None)
    assert "organisation_id" in missing.value.errors
    with pytest.raises(InvalidInput) as own:
        decide_movement(admin_of(SCHOOL1), "release", IN_5A, Where(SCHOOL1, None))
    assert "organisation_id" in own.value.errors
