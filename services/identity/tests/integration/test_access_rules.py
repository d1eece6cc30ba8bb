"""Authorisation on every object: changing an id never reaches another school or family."""
import pytest


def _group(api, admin, name):
    groups = api.as_(admin, "GET", "/groups").json["items"]
    return next(g for g in groups if g["name"] == name)


def _children(api, admin, group_name):
    group = _group(api, admin, group_name)
    return api.as_(admin, "GET", f"/groups/{group['group_id']}/members").json["items"]


@pytest.fixture(scope="module")
def ids(api):
    guardian1 = {c["last_name"]: c["child_id"] for c in api.me("guardian1")["children"]}
    olga = api.me("guardian2")["children"][0]["child_id"]
    gymnasium_pupil = _children(api, "school2-admin", "5А")[0]["person_id"]
    return {"ivan": guardian1["Петров"], "anna": guardian1["Петрова"], "olga": olga, "gymnasium": gymnasium_pupil}


def test_guardian_reads_own_child_and_the_read_is_audited(api, ids):
    response = api.as_("guardian1", "GET", f"/children/{ids['ivan']}")
    assert response.status_code == 200
    assert response.json["last_name"] == "Петров" and "e_diary" in response.json["consents"]
    records = api.audit(person_id=ids["ivan"], action="read_person", outcome="allowed")
    assert records and records[-1].actor_account_id == api.me("guardian1")["account_id"]


def test_guardian_cannot_read_another_familys_child_and_the_attempt_is_audited(api, ids):
    response = api.as_("guardian1", "GET", f"/children/{ids['olga']}")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    denied = api.audit(person_id=ids["olga"], outcome="denied")
    assert denied and denied[-1].actor_account_id == api.me("guardian1")["account_id"]


def test_pupil_reads_self_only(api, ids):
    assert api.as_("pupil1", "GET", f"/children/{ids['ivan']}").status_code == 200
    assert api.as_("pupil1", "GET", f"/children/{ids['olga']}").status_code == 404


def test_teacher_of_one_school_cannot_reach_another_school(api, ids):
    assert api.as_("teacher1", "GET", f"/children/{ids['olga']}").status_code == 200  # same school
    response = api.as_("teacher2", "GET", f"/children/{ids['olga']}")
    assert response.status_code == 404
    assert api.audit(person_id=ids["olga"], outcome="denied", action="read_person")
    group_5a_school1 = _group(api, "school1-admin", "5А")
    assert api.as_("teacher2", "GET", f"/groups/{group_5a_school1['group_id']}/members").status_code == 404
    # …nor act there: enrol a child into a school-1 class.
    move = api.as_("teacher2", "POST", "/movements", json={
        "kind": "withdraw", "child_id": ids["olga"], "order_number": "1", "order_date": "2026-10-01"})
    assert move.status_code == 403


def test_tutor_sees_own_class_only(api, ids):
    group_5a = _group(api, "school1-admin", "5А")
    group_5b = _group(api, "school1-admin", "5Б")
    members = api.as_("tutor1", "GET", f"/groups/{group_5a['group_id']}/members")
    assert members.status_code == 200 and len(members.json["items"]) == members.json["total"] == 8
    # tutor1 is also a teacher of school 1, so 5Б is readable as a teacher; an educator is not.
    assert api.as_("educator1", "GET", f"/groups/{group_5b['group_id']}/members").status_code == 404


def test_educator_sees_own_group_not_a_neighbouring_one(api, ids):
    sunshine = _group(api, "kg1-admin", "Солнышко")
    stars = _group(api, "kg1-admin", "Звёздочки")
    assert api.as_("educator1", "GET", f"/groups/{sunshine['group_id']}/members").status_code == 200
    assert api.as_("educator1", "GET", f"/groups/{stars['group_id']}/members").status_code == 404
    assert api.as_("educator1", "GET", f"/children/{ids['ivan']}").status_code == 404


def test_group_list_is_scoped(api):
    mine = {g["name"] for g in api.as_("educator1", "GET", "/groups").json["items"]}
    assert mine == {"Солнышко"}
    city = api.as_("department", "GET", "/groups").json
    assert city["total"] >= 8


def test_department_has_no_access_to_childrens_personal_data(api, ids):
    assert api.as_("department", "GET", f"/children/{ids['ivan']}").status_code == 404


def test_only_the_schools_admin_creates_accounts_there(api):
    school1 = next(o for o in api.as_("department", "GET", "/organisations").json["items"]
                   if o["short_name"] == "Школа № 1")
    person = api.as_("school2-admin", "POST", "/people", json={
        "kind": "staff", "organisation_id": school1["organisation_id"], "last_name": "Чужой",
        "first_name": "Сотрудник"})
    assert person.status_code == 404
    created = api.as_("school1-admin", "POST", "/people", json={
        "kind": "staff", "organisation_id": school1["organisation_id"], "last_name": "Новый", "first_name": "Учитель"})
    assert created.status_code == 201
    account = api.as_("school1-admin", "POST", "/accounts", json={
        "person_id": created.json["person_id"], "login": "teacher-new", "password": "new-teacher-pass-1",
        "roles": [{"role": "teacher", "organisation_id": school1["organisation_id"]}]})
    assert account.status_code == 201 and account.json["roles"][0]["role"] == "teacher"
    # A school admin cannot appoint a department officer.
    escalate = api.as_("school1-admin", "POST", f"/accounts/{account.json['account_id']}/roles",
                       json={"role": "department_officer"})
    assert escalate.status_code in (403, 422)


def test_the_department_opens_accounts_only_for_staff(api, ids):
    """IDN-01: accounts are the institution administrator's; the department opens one only to
    appoint an administrator or an officer. Opening a pupil's or a guardian's account with a
    password of its own choosing, the department would sign in as them and read the family's
    diary (found by the security matrix, issue 11)."""
    pupil = ids["gymnasium"]
    guardian = api.as_("school2-admin", "GET", f"/children/{pupil}/consents").json["items"][0]["given_by_person_id"]
    for i, person_id in enumerate((pupil, guardian)):
        refused = api.as_("department", "POST", "/accounts", json={
            "person_id": person_id, "login": f"taken-over-{i}", "password": "chosen-by-dept-1"})
        assert refused.status_code == 404, refused.json
        assert api.login(f"taken-over-{i}", "chosen-by-dept-1").status_code == 401
    school2 = api.me("school2-admin")["roles"][0]["organisation_id"]
    head = api.as_("school2-admin", "POST", "/people", json={
        "kind": "staff", "organisation_id": school2, "last_name": "Новая", "first_name": "Заведующая"})
    appointed = api.as_("department", "POST", "/accounts", json={
        "person_id": head.json["person_id"], "login": "school2-head", "password": "new-head-pass-1",
        "roles": [{"role": "institution_admin", "organisation_id": school2}]})
    assert appointed.status_code == 201, appointed.json


def test_audit_log_is_for_the_institution_admin(api, ids):
    assert api.as_("teacher1", "GET", "/audit").status_code == 403
    page = api.as_("school1-admin", "GET", "/audit?limit=5")
    assert page.status_code == 200 and len(page.json["items"]) <= 5 and page.json["total"] >= 1


def test_a_movement_order_by_one_who_orders_none_tells_nothing_of_the_child(api, ids):
    """Issue 11: the right to record movements is checked before the child's placement, so that a
    guardian (or a teacher) cannot tell an enrolled child's id from a missing one by the answer."""
    import uuid

    from kabinet_identity.models import Movement
    before = api.count(Movement)
    for login in ("guardian2", "teacher2", "pupil1"):
        answers = []
        for child in (ids["gymnasium"], ids["olga"], str(uuid.uuid4())):
            for kind in ("enrol", "withdraw"):
                got = api.as_(login, "POST", "/movements", json={
                    "kind": kind, "child_id": child, "group_id": str(uuid.uuid4()) if kind == "enrol" else None,
                    "order_number": "1", "order_date": "2026-10-01"})
                answers.append((got.status_code, got.json.get("type")))
        assert answers == [answers[0]] * len(answers) and answers[0][0] == 403, (login, answers)
    assert api.count(Movement) == before
