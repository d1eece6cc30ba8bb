"""Control (JRN-06): a month's completeness per teacher, group and institution for the
administration; the same figures without names for the department; nobody else."""
import json
from datetime import timedelta

import pytest


@pytest.fixture(scope="module")
def month_lessons(api, world, school):
    first = (world.today - timedelta(days=40)).replace(day=1)
    i = world.id
    mk = lambda load, day, login, **kw: api.ok(login, "POST", f"/loads/{load}/lessons",  # noqa: E731
                                               json={"date": (first + timedelta(days=day)).isoformat(), **kw})
    late = mk(school.maths_5a, 0, "teacher1", topic="Десятичные дроби", period=1)
    empty = mk(school.maths_5a, 1, "teacher1", period=1)
    russian = mk(school.russian_5a, 2, "tutor1", topic="Причастие", period=2)
    api.ok("teacher1", "PUT", f"/lessons/{late['id']}/attendance", json={"entries": [
        {"child_id": i("ivan"), "status": "present"}, {"child_id": i("maria"), "status": "absent_ill"}]})
    api.ok("tutor1", "PUT", f"/lessons/{russian['id']}/attendance", json={"entries": [
        {"child_id": i("ivan"), "status": "present"}]})
    api.save_grid("teacher1", school.maths_5a, late["term_id"], body={"marks": [
        {"lesson_id": late["id"], "child_id": i("ivan"), "value": 5}]})
    return {"month": first.strftime("%Y-%m"), "late": late, "empty": empty, "russian": russian}


def test_the_administration_sees_what_is_missing_and_who_is_behind(api, world, school, month_lessons):
    i, m = world.id, month_lessons
    report = api.ok("deputy1", "GET", f"/control/completeness?organisation_id={i('school1')}&month={m['month']}")
    inst = report["institution"]
    assert (inst["lessons"], inst["without_topic"], inst["late_topics"], inst["without_attendance"]) == (3, 1, 2, 1)
    assert [row["lesson_id"] for row in report["lessons_without_topic"]] == [m["empty"]["id"]]
    assert [row["lesson_id"] for row in report["lessons_without_attendance"]] == [m["empty"]["id"]]
    assert {row["lesson_id"] for row in report["late_topics"]} == {m["late"]["id"], m["russian"]["id"]}
    teachers = {t["teacher_account_id"]: t for t in report["teachers"]}
    t1, tutor = teachers[world.account("teacher1")], teachers[world.account("tutor1")]
    assert (t1["teacher"], t1["without_topic"], t1["late_topics"], t1["without_attendance"]) == \
        ("Teacher1 Тест", 1, 1, 1)
    assert (tutor["without_topic"], tutor["late_topics"]) == (0, 1)
    groups = {g["group"]: g for g in report["groups"]}
    assert groups["5А"]["lessons"] == 3 and groups["5А"]["without_topic"] == 1
    # Pupils without a single mark in the term of the lessons: Ivan has one in maths, Maria none.
    term = m["late"]["term_id"]
    unmarked = {(p["child_id"], p["load_id"]) for p in report["pupils_without_marks"] if p["term_id"] == term}
    assert (i("maria"), school.maths_5a) in unmarked and (i("artem"), school.maths_5a) in unmarked
    assert (i("ivan"), school.maths_5a) not in unmarked and (i("ivan"), school.russian_5a) in unmarked
    assert any(p["pupil"] == "Александрова Мария" for p in report["pupils_without_marks"])
    assert any(t["id"] == term for t in report["terms"])


def test_a_lesson_today_is_not_yet_missing_its_topic(api, world, school):
    api.ok("teacher1", "POST", f"/loads/{school.maths_5b}/lessons", json={"date": world.today.isoformat(), "period": 7})
    report = api.ok("admin1", "GET", f"/control/completeness?organisation_id={world.id('school1')}"
                                     f"&month={world.today.strftime('%Y-%m')}")
    five_b = next(g for g in report["groups"] if g["group"] == "5Б")
    assert five_b["lessons"] >= 1 and five_b["lessons_due"] == five_b["lessons"] - 1 and five_b["without_topic"] == 0


def test_the_department_sees_figures_without_names_and_others_are_refused(api, world, school, month_lessons):
    i, m = world.id, month_lessons
    path = f"/control/completeness?organisation_id={i('school1')}&month={m['month']}"
    full = api.ok("admin1", "GET", path)
    figures = api.ok("dept", "GET", path)
    assert figures["institution"] == full["institution"] and figures["groups"] == full["groups"]
    for key in ("teachers", "pupils_without_marks", "lessons_without_topic", "late_topics"):
        assert key not in figures
    text = json.dumps(figures, ensure_ascii=False)
    assert "Александрова" not in text and "Teacher1" not in text and i("maria") not in text
    for login in ("teacher1", "tutor1", "admin2", "guardian1", "pupil1"):
        api.problem(login, "GET", path, 403)
    api.problem("admin2", "GET", f"/control/completeness?organisation_id={i('school1')}&month={m['month']}", 403)
    assert "month" in api.problem("admin1", "GET", f"/control/completeness?organisation_id={i('school1')}&month=2026-9",
                                  422)["errors"]


def test_the_control_names_pupils_without_the_term_mark_once_the_term_is_over(api, world, school):
    """seed 004 §3.4: the first trimester is over; Ivan has his maths term mark, Maria and Artem
    not, nobody has a Russian one. The year is not over: no year or final mark is owed yet."""
    i = world.id
    api.ok("teacher1", "PUT", f"/loads/{school.maths_5a}/period-marks", json={
        "period": "term", "term_id": school.terms[1], "marks": [{"child_id": i("ivan"), "value": 4}]})
    month = world.today.strftime("%Y-%m")
    path = f"/control/completeness?organisation_id={i('school1')}&month={month}"
    report = api.ok("deputy1", "GET", path)
    rows = {(r["group"], r["subject"]): r for r in report["attestation"]}
    assert (rows[("5А", "Математика")]["without_term_mark"], rows[("5А", "Русский язык")]["without_term_mark"],
            rows[("5Б", "Математика")]["without_term_mark"]) == (2, 3, 1)
    assert all(r["without_year_mark"] == r["without_final_mark"] == 0 for r in rows.values())
    owed = {(p["child_id"], p["load_id"], p["period"], p["term_id"]) for p in report["pupils_without_attestation"]}
    assert (i("maria"), school.maths_5a, "term", school.terms[1]) in owed
    assert (i("artem"), school.maths_5a, "term", school.terms[1]) in owed
    assert not any(c == i("ivan") and load == school.maths_5a for c, load, _p, _t in owed)
    assert not any(t == school.terms[2] for *_rest, t in owed)  # the current trimester is not over
    maria = next(p for p in report["pupils_without_attestation"] if p["child_id"] == i("maria"))
    assert maria["pupil"] == "Александрова Мария" and maria["group"] == "5А"
    assert report["institution"]["without_term_mark"] == 6
    # The department: the same figures per group and subject, no pupil.
    figures = api.ok("dept", "GET", path)
    assert figures["attestation"] == report["attestation"] and "pupils_without_attestation" not in figures
    assert i("maria") not in json.dumps(figures)
