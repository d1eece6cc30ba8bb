"""The access rules as a table of who may reach whom."""
from kabinet_identity.access import (
    Caller,
    Grant,
    Where,
    can_link_guardian,
    can_name_guardian,
    can_open_account,
    can_read_child,
    can_read_group,
    can_reset_password,
    can_serve_child,
    grantable_by,
    listed_organisations,
)
from kabinet_identity.auth import login_throttled
from kabinet_kit.errors import PermissionDenied

SCHOOL1, SCHOOL2, CLASS_5A, CLASS_5B = "s1", "s2", "5a", "5b"
IVAN = "ivan"
IVAN_AT = Where(SCHOOL1, CLASS_5A)


def caller(*grants, person="p", children=()):
    return Caller("acc", person, "staff", tuple(grants), frozenset(children))


def test_child_reads():
    assert can_read_child(caller(person=IVAN), IVAN, IVAN_AT)                        # the pupil
    assert can_read_child(caller(children={IVAN}), IVAN, IVAN_AT)                    # the guardian
    assert not can_read_child(caller(children={"olga"}), IVAN, IVAN_AT)              # another family
    assert can_read_child(caller(Grant("teacher", SCHOOL1)), IVAN, IVAN_AT)
    assert not can_read_child(caller(Grant("teacher", SCHOOL2)), IVAN, IVAN_AT)      # another school
    assert can_read_child(caller(Grant("tutor", SCHOOL1, CLASS_5A)), IVAN, IVAN_AT)
    assert not can_read_child(caller(Grant("tutor", SCHOOL1, CLASS_5B)), IVAN, IVAN_AT)
    assert not can_read_child(caller(Grant("department_officer")), IVAN, IVAN_AT)    # statistics only
    assert not can_read_child(caller(Grant("teacher", SCHOOL1)), IVAN, None)         # withdrawn


def test_serving_a_child_codes_and_paper_consents():
    assert can_serve_child(caller(Grant("institution_admin", SCHOOL1)), IVAN_AT)
    assert can_serve_child(caller(Grant("educator", SCHOOL1, CLASS_5A)), IVAN_AT)
    assert not can_serve_child(caller(Grant("teacher", SCHOOL1)), IVAN_AT)
    assert not can_serve_child(caller(Grant("institution_admin", SCHOOL2)), IVAN_AT)


def test_group_reads():
    assert can_read_group(caller(Grant("deputy_director", SCHOOL1)), SCHOOL1, CLASS_5B)
    assert not can_read_group(caller(Grant("educator", SCHOOL1, CLASS_5A)), SCHOOL1, CLASS_5B)


def test_who_grants_which_role():
    admin = caller(Grant("institution_admin", SCHOOL1))
    assert grantable_by(admin, "teacher", SCHOOL1)
    assert not grantable_by(admin, "teacher", SCHOOL2)
    assert not grantable_by(admin, "department_officer", None)
    department = caller(Grant("department_officer"))
    assert grantable_by(department, "institution_admin", SCHOOL2)


def test_who_opens_whose_account():
    admin, department = caller(Grant("institution_admin", SCHOOL1)), caller(Grant("department_officer"))
    for kind in ("staff", "child", "guardian"):
        assert can_open_account(admin, kind, SCHOOL1)
        assert not can_open_account(admin, kind, SCHOOL2)
        assert not can_open_account(caller(Grant("teacher", SCHOOL1)), kind, SCHOOL1)
    assert can_open_account(department, "staff", SCHOOL2)          # appointing an administrator
    assert not can_open_account(department, "child", SCHOOL2)      # it would sign in as the pupil
    assert not can_open_account(department, "guardian", SCHOOL2)   # … or as the parent


def test_a_code_names_only_a_guardian_the_childs_institution_linked():
    """Issue 11, finding 2: not a guardian of another school, nor one of this school not linked to the
    child."""
    in_5a = Where("s1", "5a")
    assert can_name_guardian(in_5a, "s1", linked=True)
    assert not can_name_guardian(in_5a, "s2", linked=True)
    assert not can_name_guardian(in_5a, "s1", linked=False)
    assert not can_name_guardian(in_5a, None, linked=True)
    assert can_link_guardian(in_5a, "s1") and not can_link_guardian(in_5a, "s2")


def test_login_throttle_is_per_address_with_a_far_higher_ceiling_per_account():
    """Issue 11, finding 4: five failures from one address refuse that address only; the
    account-wide ceiling is much higher."""
    assert login_throttled(5, 5, per_address=5, per_account=100)
    assert not login_throttled(0, 5, per_address=5, per_account=100)
    assert not login_throttled(4, 99, per_address=5, per_account=100)
    assert login_throttled(0, 100, per_address=5, per_account=100)


def test_administrators_lists_reach_their_institutions_the_department_the_city():
    admin = caller(Grant("institution_admin", SCHOOL1), Grant("teacher", SCHOOL2))
    assert listed_organisations(admin, None) == {SCHOOL1}
    assert listed_organisations(admin, SCHOOL1) == {SCHOOL1}
    assert listed_organisations(caller(Grant("department_officer")), None) is None
    assert listed_organisations(caller(Grant("department_officer")), SCHOOL2) == {SCHOOL2}
    for who, org in ((admin, SCHOOL2), (caller(Grant("deputy_director", SCHOOL1)), None),
                     (caller(Grant("teacher", SCHOOL1)), SCHOOL1), (caller(children={IVAN}), None)):
        try:
            listed_organisations(who, org)
        except PermissionDenied:
            continue
        raise AssertionError(f"{who} listed {org}")


def test_password_resets_follow_who_opens_the_account():
    assert can_reset_password(caller(Grant("institution_admin", SCHOOL1)), "guardian", SCHOOL1)
    assert not can_reset_password(caller(Grant("institution_admin", SCHOOL2)), "staff", SCHOOL1)
    assert can_reset_password(caller(Grant("department_officer")), "staff", SCHOOL1)
    assert not can_reset_password(caller(Grant("department_officer")), "guardian", SCHOOL1)
    assert not can_reset_password(caller(Grant("deputy_director", SCHOOL1)), "staff", SCHOOL1)
