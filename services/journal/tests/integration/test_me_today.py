"""``GET /me/today``: the caller's own day — today's lessons and what each lacks (teacher, and a
substitute for the day), the tutored class (pupils, today's absences, unfinished lessons of the
term), the city's control figures (department) — and nothing of anyone else's."""
from datetime import timedelta

import pytest


@pytest.fixture(scope="module")
def day(api, world, school):
    i, today = world.id, world.today
    mk = lambda load, login, on=today, **kw: api.ok(login, "POST", f"/loads/{load}/lessons",  # noqa: E731
                                                    json={"date": on.isoformat(), **kw})
    filled = mk(school.maths_5a, "teacher1", period=1, topic="Обыкновенные дроби")
    empty = mk(school.maths_5b, "teacher1", period=3)
    russian = mk(school.russian_5a, "tutor1", period=2)
    yesterday = mk(school.russian_5a, "tutor1", on=today - timedelta(days=1), period=2)
    api.ok("teacher1", "PUT", f"/lessons/{filled['id']}/attendance", json={"entries": [
        {"child_id": i("ivan"), "status": "present"}, {"child_id": i("maria"), "status": "absent_ill"},
        {"child_id": i("artem"), "status": "late"}]})
    api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/grid", json={"marks": [
        {"lesson_id": filled["id"], "child_id": i("ivan"), "value": 5}]})
    api.ok("admin1", "POST", f"/loads/{school.maths_5b}/substitutions", json={
        "account_id": world.account("teacher3"), "starts_on": today.isoformat(), "ends_on": today.isoformat()})
    return {"filled": filled, "empty": empty, "russian": russian, "yesterday": yesterday}


def test_a_teacher_sees_todays_lessons_and_what_each_lacks(api, world, day):
    me = api.ok("teacher1", "GET", "/me/today")
    assert me["date"] == world.today.isoformat()
    assert [(x["lesson_id"], x["group"], x["subject"]) for x in me["lessons"]] == [
        (day["filled"]["id"], "5А", "Математика"), (day["empty"]["id"], "5Б", "Математика")]
    filled, empty = me["lessons"]
    assert filled["organisation_id"] == world.id("school1") and filled["missing"] == []
    assert (filled["attendance_entered"], filled["marks_entered"]) == (3, 1)
    assert empty["missing"] == ["topic", "attendance", "marks"] and empty["topic"] is None
    assert not filled["substitution"] and me["classes"] == [] and me["city"] is None


def test_a_substitute_sees_the_lesson_of_the_day_and_others_see_nothing_of_it(api, world, day):
    sub = api.ok("teacher3", "GET", "/me/today")
    assert [(x["lesson_id"], x["substitution"]) for x in sub["lessons"]] == [(day["empty"]["id"], True)]
    for login in ("teacher2", "admin1", "guardian1", "pupil1"):
        other = api.ok(login, "GET", "/me/today")
        assert (other["lessons"], other["classes"], other["city"]) == ([], [], None), login


def test_a_tutor_sees_the_class_with_todays_absences_and_unfinished_lessons(api, world, day):
    me = api.ok("tutor1", "GET", "/me/today")
    assert [x["lesson_id"] for x in me["lessons"]] == [day["russian"]["id"]]
    assert me["lessons"][0]["missing"] == ["topic", "attendance", "marks"]
    [klass] = me["classes"]
    assert (klass["group_id"], klass["group"], klass["pupils"]) == (world.id("s1-5a"), "5А", 3)
    # Maria absent (ill); Artem late is present.
    assert (klass["lessons_today"], klass["absent_today"]) == (2, 1)
    # Yesterday's Russian lesson has no topic and no attendance; today's lessons are not yet due.
    assert klass["unfinished"]["lessons_without_topic"] >= 1
    assert klass["unfinished"]["lessons_without_attendance"] >= 1


def test_the_department_sees_the_citys_control_figures(api, world, day):
    city = api.ok("dept", "GET", "/me/today")["city"]
    assert city["month"] == world.today.strftime("%Y-%m")
    by_org = {x["organisation_id"]: x for x in city["institutions"]}
    assert world.id("school1") in by_org and by_org[world.id("school1")]["lessons"] >= 3
    assert city["totals"]["lessons"] == sum(x["lessons"] for x in city["institutions"])
    assert "teachers" not in city and all("teacher" not in x for x in city["institutions"])


def test_without_a_token_it_is_refused(api):
    assert api.client.get("/me/today").status_code == 401
