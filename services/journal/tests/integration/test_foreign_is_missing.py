"""Another institution's (or family's) object, named by its id, is answered exactly like an id
that does not exist: the same status and the same problem body, never a 403 that would tell the
caller it is there (issue 11, Low 3). 403 stays for what the caller can see but may not do."""
import uuid

import pytest

FIELDS = ("status", "type", "title", "detail")


def same_as_missing(api, login: str, method: str, foreign: str, missing: str, status: int = 404, **kwargs):
    """Both calls give ``status`` and the same problem body."""
    answers = []
    for path in (foreign, missing):
        body = api.problem(login, method, path, status, **kwargs)
        answers.append({k: body.get(k) for k in FIELDS})
    assert answers[0] == answers[1], answers


def same_bodies(api, login: str, method: str, path: str, status: int, *bodies: dict) -> None:
    """One endpoint called with each request body: the same status and problem body each time."""
    answers = [{k: api.problem(login, method, path, status, json=body).get(k) for k in FIELDS} for body in bodies]
    assert all(a == answers[0] for a in answers), answers


def random_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture(scope="module")
def exemption_s2(api, world, school):
    """An exemption at school 2, made by its administrator."""
    return api.ok("admin2", "POST", "/fee-exemptions", json={
        "organisation_id": world.id("school2"), "child_id": world.id("eva"), "kind": "orphan",
        "starts_on": school.today.isoformat(), "basis": "Приказ 5-л"})["id"]


def test_another_schools_load_is_missing_to_its_management_endpoints(api, world, school):
    teacher = {"teacher_account_id": world.account("teacher1")}
    same_as_missing(api, "admin1", "PUT", f"/loads/{school.maths_s2}/teacher", f"/loads/{random_id()}/teacher",
                    json=teacher)
    substitution = {"account_id": world.account("teacher3"), "starts_on": school.today.isoformat(),
                    "ends_on": school.today.isoformat()}
    same_as_missing(api, "admin1", "POST", f"/loads/{school.maths_s2}/substitutions",
                    f"/loads/{random_id()}/substitutions", json=substitution)
    # The load's own teacher sees it: refused the manager's change, not hidden.
    api.problem("teacher1", "PUT", f"/loads/{school.maths_5a}/teacher", 403, json=teacher)


def test_another_schools_term_is_missing(api, world, school):
    foreign, missing = school.s2_term, random_id()
    for method, suffix, kwargs in (("POST", "close", {}), ("POST", "reopen", {"json": {"reason": "ошибка"}}),
                                   ("GET", "audit", {})):
        same_as_missing(api, "admin1", method, f"/terms/{foreign}/{suffix}", f"/terms/{missing}/{suffix}", **kwargs)
    # A teacher of the school sees its terms: refused closing one, not hidden.
    api.problem("teacher1", "POST", f"/terms/{school.terms[3]}/close", 403)


def test_another_schools_term_in_a_query_or_body_is_missing(api, world, school):
    foreign, missing = school.s2_term, random_id()
    same_as_missing(api, "teacher1", "GET", f"/loads/{school.maths_5a}/term-results?term_id={foreign}",
                    f"/loads/{school.maths_5a}/term-results?term_id={missing}")
    same_as_missing(api, "admin1", "GET", f"/statistics/progress?organisation_id={world.id('school1')}"
                                          f"&term_id={foreign}",
                    f"/statistics/progress?organisation_id={world.id('school1')}&term_id={missing}")
    same_as_missing(api, "admin1", "GET", f"/timetable?term_id={foreign}", f"/timetable?term_id={missing}")
    same_bodies(api, "admin1", "POST", "/timetable/generate", 404, {"term_id": foreign}, {"term_id": missing})
    slot = {"load_id": school.maths_5a, "weekday": 1, "period": 7}
    same_bodies(api, "admin1", "POST", "/timetable", 404, {**slot, "term_id": foreign}, {**slot, "term_id": missing})
    slot = {"term_id": school.terms[2], "weekday": 1, "period": 7}
    same_bodies(api, "admin1", "POST", "/timetable", 404, {**slot, "load_id": school.maths_s2},
                {**slot, "load_id": random_id()})
    marks = {"period": "term", "marks": [{"child_id": world.id("ivan"), "value": 5}]}
    answers = [api.problem("teacher1", "PUT", f"/loads/{school.maths_5a}/period-marks", 422,
                           json={**marks, "term_id": term}) for term in (foreign, missing)]
    no_term = {"term_id": ["В учебном году этой нагрузки такого периода нет."]}
    assert answers[0]["errors"] == answers[1]["errors"] == no_term


def test_another_schools_group_child_and_exemption_are_missing_to_fees(api, world, school, exemption_s2):
    foreign, missing = world.id("s2-5a"), random_id()
    month = school.today.strftime("%Y-%m")
    for suffix in (f"day-attendance?month={month}", f"fees?month={month}"):
        same_as_missing(api, "admin1", "GET", f"/groups/{foreign}/{suffix}", f"/groups/{missing}/{suffix}")
    day = {"date": school.today.isoformat(), "entries": [{"child_id": world.id("eva"), "status": "present"}]}
    same_as_missing(api, "admin1", "PUT", f"/groups/{foreign}/day-attendance", f"/groups/{missing}/day-attendance",
                    json=day)
    same_as_missing(api, "admin1", "GET", f"/children/{world.id('eva')}/fees?month={month}",
                    f"/children/{random_id()}/fees?month={month}")
    same_as_missing(api, "admin1", "DELETE", f"/fee-exemptions/{exemption_s2}", f"/fee-exemptions/{random_id()}")
    # The deputy director sees the school's groups but does not mark a day: refused, not hidden.
    api.problem("deputy1", "PUT", f"/groups/{world.id('s1-5a')}/day-attendance", 403, json=day)
