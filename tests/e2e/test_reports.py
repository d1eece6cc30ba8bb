"""The diary-introduction report end to end, through the gateway only: identity, its relay, the
broker, the reports consumer and web as real processes, the demo schedule seeded the way
``make run`` does it. The department sees the city, a school's administrator his school and no
other; an access code issued at identity moves the school's item 12."""
import time

import requests

_TOKENS: dict[str, str] = {}  # one login per user: the gateway rate-limits logins


def _token(stack, login: str) -> str:
    if login not in _TOKENS:
        _TOKENS[login] = stack.token(login)
    return _TOKENS[login]


def _call(stack, login, method, path, **kwargs):
    return requests.request(method, f"{stack.gateway}{path}", timeout=10,
                            headers={"Authorization": f"Bearer {_token(stack, login)}"}, **kwargs)


def _schools(stack) -> dict[str, str]:
    city = _call(stack, "department", "GET", "/api/reports/diary/city/report")
    assert city.status_code == 200, city.text
    return {s["short_name"]: s["organisation_id"] for s in city.json()["schools"]}


def test_the_department_sees_the_city_and_a_school_administrator_his_school(stack):
    schedule = _call(stack, "department", "GET", "/api/reports/diary/schedule").json()
    assert [d["on"][5:] for d in schedule["dates"]] == ["05-15", "09-20", "10-15", "11-15", "12-25"]
    schools = _schools(stack)
    assert {"Школа № 1", "Гимназия № 2"} <= set(schools)
    own = _call(stack, "school1-admin", "GET", f"/api/reports/diary/schools/{schools['Школа № 1']}/report")
    assert own.status_code == 200, own.text
    report = own.json()
    assert report["pupils"] > 0 and report["item8"]["count"] >= 2  # Ivan's and Olga's applications at least
    assert report["entries"]["system_name"] == "Кабинет"
    for login, path in (("school1-admin", f"/api/reports/diary/schools/{schools['Гимназия № 2']}/report"),
                        ("school2-admin", f"/api/reports/diary/schools/{schools['Школа № 1']}/report"),
                        ("teacher1", f"/api/reports/diary/schools/{schools['Школа № 1']}/report"),
                        ("guardian1", f"/api/reports/diary/schools/{schools['Школа № 1']}/report"),
                        ("school1-admin", "/api/reports/diary/city/report")):
        refused = _call(stack, login, "GET", path)
        assert refused.status_code == 403, (login, path, refused.status_code)
        assert refused.headers["Content-Type"].startswith("application/problem+json")


def test_an_access_code_issued_at_identity_moves_item_12(stack):
    school = _schools(stack)["Школа № 1"]
    path = f"/api/reports/diary/schools/{school}/report"
    before = _call(stack, "school1-admin", "GET", path).json()["item12"]["parents"]
    assert before["count"] < before["of"]
    groups = _call(stack, "school1-admin", "GET", "/api/identity/groups").json()["items"]
    group = next(g["group_id"] for g in groups if g["name"] == "5А" and g["organisation_id"] == school)
    members = _call(stack, "school1-admin", "GET", f"/api/identity/groups/{group}/members").json()["items"]
    for member in reversed(members):  # the last of the class: no family account in the demo
        issued = _call(stack, "school1-admin", "POST", "/api/identity/access-codes",
                       json={"child_id": member["person_id"], "channel": "in_person"})
        assert issued.status_code == 201, issued.text
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            now = _call(stack, "school1-admin", "GET", path).json()["item12"]["parents"]
            if now["count"] > before["count"]:
                assert now["count"] == before["count"] + 1
                return
            time.sleep(0.2)
    raise AssertionError("no access code moved item 12.1")
