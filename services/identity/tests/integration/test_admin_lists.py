"""Administrators' lists (issue 12): accounts, people, access codes and the activation funnel.
A school's administrator sees his own institution's, the department the city's; nobody else,
and naming another institution's id changes nothing."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from kabinet_identity.models import AccessCode
from kabinet_kit.events import utcnow


@pytest.fixture(scope="module")
def orgs(api):
    items = api.ok("department", "GET", "/organisations", query_string={"limit": 200})["items"]
    by_name = {o["short_name"]: o["organisation_id"] for o in items}
    return {"school1": by_name["Школа № 1"], "school2": next(v for k, v in by_name.items() if "Гимназия" in k),
            "kg1": next(v for k, v in by_name.items() if "Детский сад" in k)}


def _pages(api, login, path, **query):
    items, offset = [], 0
    while True:
        page = api.ok(login, "GET", path, query_string={**query, "limit": 2, "offset": offset})
        items += page["items"]
        offset += 2
        if offset >= page["total"]:
            assert len(items) == page["total"]
            return items


def test_the_school_administrator_lists_his_institutions_accounts_page_by_page(api, orgs):
    api.login("teacher1")
    accounts = _pages(api, "school1-admin", "/accounts")
    logins = [a["login"] for a in accounts]
    assert logins == sorted(logins) and {"teacher1", "tutor1", "deputy1", "school1-admin"} <= set(logins)
    assert {a["organisation_id"] for a in accounts} == {orgs["school1"]}
    assert "teacher2" not in logins and "department" not in logins
    teacher = next(a for a in accounts if a["login"] == "teacher1")
    assert [r["role"] for r in teacher["roles"]] == ["teacher"] and teacher["is_active"] is True
    assert teacher["created_at"] and teacher["last_login_at"] and teacher["activated_at"]


def test_accounts_filter_by_role_login_prefix_and_state(api, orgs):
    tutors = api.ok("school1-admin", "GET", "/accounts", query_string={"role": "tutor"})["items"]
    assert [a["login"] for a in tutors] == ["tutor1"]
    assert [a["login"] for a in api.ok("school1-admin", "GET", "/accounts",
                                         query_string={"q": "TEACH"})["items"]] == ["teacher1"]
    assert api.ok("school1-admin", "GET", "/accounts", query_string={"active": "false"})["total"] == 0
    assert api.ok("school1-admin", "GET", "/accounts", query_string={"q": "%"})["total"] == 0


def test_the_department_lists_the_citys_accounts_and_narrows_to_an_institution(api, orgs):
    city = api.ok("department", "GET", "/accounts", query_string={"limit": 200})
    assert {"teacher1", "teacher2", "educator1"} <= {a["login"] for a in city["items"]}
    gymnasium = api.ok("department", "GET", "/accounts", query_string={"organisation_id": orgs["school2"]})
    assert {a["organisation_id"] for a in gymnasium["items"]} == {orgs["school2"]}
    assert "teacher2" in {a["login"] for a in gymnasium["items"]}


@pytest.mark.parametrize("path", ["/accounts", "/people", "/access-codes"])
def test_another_institutions_id_is_refused_like_a_missing_one_and_others_are_refused(api, orgs, path):
    foreign = api.problem("school1-admin", "GET", path, 403, query_string={"organisation_id": orgs["school2"]})
    missing = api.problem("school1-admin", "GET", path, 403, query_string={"organisation_id": str(uuid.uuid4())})
    assert foreign["detail"] == missing["detail"]
    for login in ("teacher1", "deputy1", "tutor1", "guardian1", "pupil1"):
        api.problem(login, "GET", path, 403)


def test_people_search_by_name_prefix_in_any_case_within_the_institution(api, orgs):
    found = api.ok("school1-admin", "GET", "/people", query_string={"q": "ПЕТР"})["items"]
    assert [(p["last_name"], p["first_name"]) for p in found if p["kind"] == "child"] == [("Петров", "Иван")]
    ivan = next(p for p in found if p["kind"] == "child")
    assert ivan["organisation_id"] == orgs["school1"] and ivan["group_id"]
    # Петрова Анна is in the kindergarten: not the school's to see.
    assert all(p["first_name"] != "Анна" for p in found)
    by_first_name = api.ok("school1-admin", "GET", "/people", query_string={"q": "иван", "kind": "child"})["items"]
    assert ivan["person_id"] in {p["person_id"] for p in by_first_name}
    # ё is е: "Артём" by "артем".
    assert api.ok("school1-admin", "GET", "/people", query_string={"q": "артем"})["total"] >= 1
    assert api.audit(person_id=ivan["person_id"], action="read_person", resource="people")


def test_people_in_a_group_and_a_foreign_group_answers_as_a_missing_one(api, orgs):
    groups = api.ok("school1-admin", "GET", "/groups", query_string={"organisation_id": orgs["school1"]})["items"]
    group_5a = next(g for g in groups if g["name"] == "5А")
    pupils = api.ok("school1-admin", "GET", "/people", query_string={"group_id": group_5a["group_id"]})
    assert pupils["total"] == 8 and {p["group_id"] for p in pupils["items"]} == {group_5a["group_id"]}
    gymnasium = api.ok("school2-admin", "GET", "/groups")["items"][0]["group_id"]
    foreign = api.as_("school1-admin", "GET", "/people", query_string={"group_id": gymnasium})
    missing = api.as_("school1-admin", "GET", "/people", query_string={"group_id": str(uuid.uuid4())})
    assert foreign.status_code == missing.status_code == 200 and foreign.json == missing.json
    assert foreign.json["total"] == 0


def test_the_department_finds_staff_never_a_family(api):
    found = api.ok("department", "GET", "/people", query_string={"q": "петр", "limit": 200})["items"]
    assert found == [] or {p["kind"] for p in found} == {"staff"}
    assert api.ok("department", "GET", "/people", query_string={"kind": "child"})["total"] == 0


def test_access_codes_are_listed_with_their_state_never_the_code(api, orgs):
    ivan = next(c["child_id"] for c in api.me("guardian1")["children"] if c["last_name"] == "Петров")
    issued = api.ok("school1-admin", "POST", "/access-codes", 201, json={"child_id": ivan, "channel": "in_person"})
    listed = api.ok("school1-admin", "GET", "/access-codes", query_string={"state": "issued", "limit": 200})
    mine = next(c for c in listed["items"] if c["access_code_id"] == issued["access_code_id"])
    assert mine["state"] == "issued" and mine["organisation_id"] == orgs["school1"] and mine["child_id"] == ivan
    response = api.as_("school1-admin", "GET", "/access-codes", query_string={"limit": 200})
    assert issued["code"] not in response.get_data(as_text=True)
    assert issued["code"].replace("-", "") not in response.get_data(as_text=True)
    assert "code" not in mine
    others = api.ok("school2-admin", "GET", "/access-codes", query_string={"limit": 200})["items"]
    assert issued["access_code_id"] not in {c["access_code_id"] for c in others}
    with api.deps.session_factory.begin() as s:
        s.execute(update(AccessCode).where(AccessCode.id == issued["access_code_id"])
                  .values(expires_at=utcnow() - timedelta(minutes=1)))
    expired = api.ok("school1-admin", "GET", "/access-codes", query_string={"state": "expired", "limit": 200})
    assert issued["access_code_id"] in {c["access_code_id"] for c in expired["items"]}


def test_the_activation_funnel_has_its_exact_shape_and_counts(api, orgs):
    before = api.ok("school1-admin", "GET", f"/organisations/{orgs['school1']}/activation")
    assert set(before) == {"organisation_id", "codes", "accounts", "share_activated"}
    assert set(before["codes"]) == {"issued", "redeemed", "expired", "revoked"}
    assert set(before["accounts"]) == {"total", "activated"}
    assert before["organisation_id"] == orgs["school1"]
    codes = api.ok("school1-admin", "GET", "/access-codes", query_string={"limit": 200})["items"]
    for state in ("issued", "redeemed", "expired", "revoked"):
        assert before["codes"][state] == sum(c["state"] == state for c in codes)
    accounts = api.ok("school1-admin", "GET", "/accounts", query_string={"limit": 200, "active": "true"})["items"]
    assert before["accounts"]["total"] == len(accounts)
    assert before["accounts"]["activated"] == sum(a["activated_at"] is not None for a in accounts)
    assert before["share_activated"] == pytest.approx(before["accounts"]["activated"] / before["accounts"]["total"])
    # A first login activates an account.
    never = next(a["login"] for a in accounts if a["activated_at"] is None)
    api.login(never)
    after = api.ok("department", "GET", f"/organisations/{orgs['school1']}/activation")
    assert after["accounts"]["activated"] == before["accounts"]["activated"] + 1
    assert 0 <= after["share_activated"] <= 1


def test_the_activation_funnel_is_the_administrators_and_the_departments_only(api, orgs):
    path = f"/organisations/{orgs['school1']}/activation"
    for login in ("school2-admin", "teacher1", "deputy1", "guardian1"):
        api.problem(login, "GET", path, 403)
    api.problem("school2-admin", "GET", f"/organisations/{uuid.uuid4()}/activation", 403)
    api.problem("department", "GET", f"/organisations/{uuid.uuid4()}/activation", 404)
    empty = api.ok("department", "GET", f"/organisations/{orgs['kg1']}/activation")
    assert empty["organisation_id"] == orgs["kg1"] and isinstance(empty["share_activated"], float)


def test_every_identity_list_pages_and_filters_by_its_keys(api, orgs):
    schools = api.ok("department", "GET", "/organisations", query_string={"kind": "school"})
    assert schools["total"] >= 2 and {o["kind"] for o in schools["items"]} == {"school"}
    years = api.ok("department", "GET", "/academic-years")
    assert set(years) == {"items", "total", "limit", "offset"} and years["total"] >= 1
    classes = api.ok("school1-admin", "GET", "/groups", query_string={"kind": "school_class", "limit": 1})
    assert len(classes["items"]) == 1 and classes["total"] >= 2
    api.problem("department", "GET", "/organisations", 422, query_string={"limit": 201})
    reads = api.ok("school1-admin", "GET", "/audit", query_string={"action": "read_person", "limit": 200})
    assert reads["items"] and {r["action"] for r in reads["items"]} == {"read_person"}
    later = (utcnow() + timedelta(hours=1)).isoformat()
    assert api.ok("school1-admin", "GET", "/audit", query_string={"since": later})["total"] == 0
    assert api.ok("school1-admin", "GET", "/audit", query_string={"until": later})["total"] >= len(reads["items"])
