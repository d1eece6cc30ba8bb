"""A grid is saved over the version read (ETag / If-Match): two teachers saving one grid from the
same version, the second gets 412 with the grid as it is now, never a silent overwrite; a save
that never read the grid is 428. And nothing about a lesson that has not taken place is entered:
no topic, homework or attendance for a future day (seed 004 §3.2)."""
from datetime import timedelta

from kabinet_journal.models import Attendance, Lesson, Mark


def test_two_saves_over_one_version_the_second_gets_412_with_the_current_grid(api, world, school):
    ivan, maria = world.id("ivan"), world.id("maria")
    lesson = api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/lessons",
                    json={"date": (school.today - timedelta(days=4)).isoformat(), "period": 11})
    path = f"/loads/{school.maths_5a}/grid?term_id={school.terms[2]}"
    read = api.as_("teacher1", "GET", path)
    version = read.headers["ETag"]
    assert read.status_code == 200 and version
    assert api.as_("teacher1", "GET", path).headers["ETag"] == version  # unchanged grid, same version

    first = api.as_("teacher1", "POST", path, headers={"If-Match": version},
                    json={"marks": [{"lesson_id": lesson["id"], "child_id": ivan, "value": 5}]})
    assert first.status_code == 200, first.get_json()
    assert first.headers["ETag"] != version
    assert api.as_("teacher1", "GET", path).headers["ETag"] == first.headers["ETag"]  # the new version

    marks_before = api.count(Mark)
    second = api.as_("teacher1", "POST", path, headers={"If-Match": version},
                     json={"marks": [{"lesson_id": lesson["id"], "child_id": maria, "value": 2}]})
    assert second.status_code == 412
    problem = second.get_json()
    assert second.headers["ETag"] == first.headers["ETag"]
    current = next(p for p in problem["current"]["pupils"] if p["child_id"] == ivan)
    assert any(m["lesson_id"] == lesson["id"] and m["value"] == "5" for m in current["marks"])
    assert api.count(Mark) == marks_before  # nothing of the stale save was written

    missing = api.problem("teacher1", "POST", path, 428,
                          json={"marks": [{"lesson_id": lesson["id"], "child_id": maria, "value": 2}]})
    assert "If-Match" in missing["errors"]
    assert api.count(Mark) == marks_before
    # Saved again over the current version, it goes through.
    api.save_grid("teacher1", school.maths_5a, school.terms[2],
                  body={"marks": [{"lesson_id": lesson["id"], "child_id": maria, "value": 2}]})
    assert api.count(Mark) == marks_before + 1


def test_a_grid_save_touches_only_its_terms_lessons(api, world, school):
    other_term = api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/lessons", json={
        "date": (school.today - timedelta(days=61)).isoformat(), "period": 11})  # term 1
    assert other_term["term_id"] == school.terms[1]
    refused = api.save_grid("teacher1", school.maths_5a, school.terms[2], status=422, body={
        "marks": [{"lesson_id": other_term["id"], "child_id": world.id("ivan"), "value": 4}]})
    assert "lesson_id" in refused["errors"]["marks"]["0"]


def test_nothing_is_entered_for_a_lesson_that_has_not_taken_place(api, world, school):
    tomorrow = school.today + timedelta(days=1)
    conducted_before = len(api.events("journal.lesson."))
    # A future lesson may be planned, with no topic, homework or attendance.
    refused = api.problem("teacher1", "POST", f"/loads/{school.maths_5a}/lessons", 422, json={
        "date": tomorrow.isoformat(), "period": 12, "topic": "Дроби", "homework": "№ 5"})
    assert set(refused["errors"]) == {"topic", "homework"}
    assert tomorrow.isoformat() in refused["errors"]["topic"][0] and "ещё не проведён" in refused["detail"]
    assert api.count(Lesson, Lesson.date == tomorrow, Lesson.period == 12) == 0
    lesson = api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/lessons",
                    json={"date": tomorrow.isoformat(), "period": 12})
    assert "topic" in api.problem("teacher1", "PATCH", f"/lessons/{lesson['id']}", 422,
                                  json={"topic": "Дроби"})["errors"]
    assert "homework" in api.problem("teacher1", "PATCH", f"/lessons/{lesson['id']}", 422,
                                     json={"homework": "№ 5"})["errors"]
    attendance = api.problem("teacher1", "PUT", f"/lessons/{lesson['id']}/attendance", 422, json={
        "entries": [{"child_id": world.id("ivan"), "status": "absent_ill"}]})
    assert tomorrow.isoformat() in attendance["errors"]["attendance"]["0"]["date"][0]
    in_grid = api.save_grid("teacher1", school.maths_5a, school.terms[2], status=422, body={
        "attendance": [{"lesson_id": lesson["id"], "child_id": world.id("ivan"), "status": "present"}]})
    assert "date" in in_grid["errors"]["attendance"]["0"]
    assert api.count(Attendance, Attendance.lesson_id == lesson["id"]) == 0
    assert len(api.events("journal.lesson.")) == conducted_before  # no lesson said to be conducted
    # Moving a lesson with a topic into the future is refused the same way.
    past = api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/lessons", json={
        "date": school.today.isoformat(), "period": 12, "topic": "Проценты"})
    assert "topic" in api.problem("teacher1", "PATCH", f"/lessons/{past['id']}", 422, json={
        "date": tomorrow.isoformat()})["errors"]
    # On its day, the same entries go through.
    api.ok("teacher1", "PATCH", f"/lessons/{past['id']}", json={"homework": "№ 7"})
