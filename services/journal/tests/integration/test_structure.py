"""The school year as an institution's administration builds it: terms of the institution's
kind, subjects, curriculum hours, teaching loads with substitutes, the weekly timetable (a
teacher in two places at once is refused) and the lessons generated from it for a term,
holidays left out, each then editable on its own."""
import uuid
from datetime import date, timedelta

from kabinet_journal.models import Lesson, TimetableSlot


def new_id() -> str:
    return str(uuid.uuid4())


def test_terms_follow_the_institutions_division_of_the_year(api, world, school):
    w = world
    year2 = new_id()
    start = date(2031, 9, 1)
    w.feed.send(("identity.academic_year.created.v1", {"academic_year_id": year2, "name": "2031/2032",
                                                        "starts_on": start, "ends_on": date(2032, 8, 31)}))
    quarters = [(date(2031, 9, 1), date(2031, 10, 26)), (date(2031, 11, 5), date(2031, 12, 28)),
                (date(2032, 1, 12), date(2032, 3, 22)), (date(2032, 4, 1), date(2032, 5, 31))]
    for n, (s, e) in enumerate(quarters, start=1):
        api.ok("deputy1", "POST", "/terms", json={"organisation_id": w.id("school1"), "academic_year_id": year2,
                                                  "kind": "quarter", "number": n, "starts_on": s.isoformat(),
                                                  "ends_on": e.isoformat()})
    listed = api.ok("teacher1", "GET", f"/terms?organisation_id={w.id('school1')}&academic_year_id={year2}")
    assert [(t["kind"], t["number"]) for t in listed] == [("quarter", n) for n in (1, 2, 3, 4)]

    base = {"organisation_id": w.id("school1"), "academic_year_id": year2}
    fifth = api.problem("admin1", "POST", "/terms", 422, json={**base, "kind": "quarter", "number": 5,
                                                               "starts_on": "2032-06-01", "ends_on": "2032-06-20"})
    assert "number" in fifth["errors"]
    mixed = api.problem("admin1", "POST", "/terms", 422, json={**base, "kind": "half", "number": 1,
                                                               "starts_on": "2032-06-01", "ends_on": "2032-06-20"})
    assert "kind" in mixed["errors"]
    outside = api.problem("admin1", "POST", "/terms", 422, json={**base, "kind": "quarter", "number": 4,
                                                                 "starts_on": "2032-08-01", "ends_on": "2032-09-20"})
    assert "starts_on" in outside["errors"]

    # School 2 divides the test year in halves (its first half exists): a second one fits, a third does not.
    s2 = {"organisation_id": w.id("school2"), "academic_year_id": w.id("year"), "kind": "half"}
    first = api.ok("admin2", "GET", f"/terms?organisation_id={w.id('school2')}")[0]
    second_start = date.fromisoformat(first["ends_on"]) + timedelta(days=1)
    api.ok("admin2", "POST", "/terms", json={**s2, "number": 2, "starts_on": second_start.isoformat(),
                                             "ends_on": (second_start + timedelta(days=60)).isoformat()})
    assert "number" in api.problem("admin2", "POST", "/terms", 422, json={
        **s2, "number": 3, "starts_on": (second_start + timedelta(days=70)).isoformat(),
        "ends_on": (second_start + timedelta(days=80)).isoformat()})["errors"]
    # Trimesters at school 1 (the fixture made three).
    assert [t["kind"] for t in api.ok("admin1", "GET", f"/terms?organisation_id={w.id('school1')}"
                                                       f"&academic_year_id={w.id('year')}")] == ["trimester"] * 3
    # Only the institution's administration makes terms.
    api.problem("teacher1", "POST", "/terms", 403, json={**base, "kind": "quarter", "number": 1,
                                                         "starts_on": "2031-09-01", "ends_on": "2031-10-01"})
    api.problem("admin2", "POST", "/terms", 403, json={**base, "kind": "quarter", "number": 1,
                                                       "starts_on": "2031-09-01", "ends_on": "2031-10-01"})


def test_subjects_curriculum_and_loads(api, world, school):
    w = world
    org = w.id("school1")
    names = [s["name"] for s in api.ok("teacher1", "GET", f"/subjects?organisation_id={org}")]
    assert {"Математика", "Русский язык"} <= set(names)
    assert "name" in api.problem("admin1", "POST", "/subjects", 409,
                                 json={"organisation_id": org, "name": "Математика"})["errors"]
    api.problem("teacher1", "POST", "/subjects", 403, json={"organisation_id": org, "name": "Химия"})

    hours = {"organisation_id": org, "academic_year_id": w.id("year"), "grade_level": 5, "subject_id": school.maths}
    assert api.ok("deputy1", "PUT", "/curriculum", json={**hours, "hours": 170})["hours"] == 170
    again = api.ok("deputy1", "PUT", "/curriculum", json={**hours, "hours": 136})
    assert again["hours"] == 136
    assert [c["hours"] for c in api.ok("teacher1", "GET", f"/curriculum?organisation_id={org}"
                                                          f"&academic_year_id={w.id('year')}")
            if c["subject_id"] == school.maths] == [136]
    s2_subject = api.ok("admin2", "GET", f"/subjects?organisation_id={w.id('school2')}")[0]["id"]
    assert "subject_id" in api.problem("admin1", "PUT", "/curriculum", 422,
                                       json={**hours, "subject_id": s2_subject, "hours": 10})["errors"]

    pe = api.ok("admin1", "POST", "/subjects", json={"organisation_id": org, "name": "Физическая культура"})["id"]
    # A teacher of another school cannot be given a load here; a group has a subject once.
    assert "teacher_account_id" in api.problem("admin1", "POST", "/loads", 422, json={
        "group_id": w.id("s1-5a"), "subject_id": pe, "teacher_account_id": w.account("teacher2")})["errors"]
    assert "subject_id" in api.problem("admin1", "POST", "/loads", 409, json={
        "group_id": w.id("s1-5a"), "subject_id": school.maths, "teacher_account_id": w.account("teacher3")})["errors"]
    # Another school's group is answered as a missing one (issue 11: no existence oracle).
    foreign = api.problem("admin2", "POST", "/loads", 422, json={
        "group_id": w.id("s1-5a"), "subject_id": pe, "teacher_account_id": w.account("teacher3")})
    missing = api.problem("admin2", "POST", "/loads", 422, json={
        "group_id": str(uuid.uuid4()), "subject_id": pe, "teacher_account_id": w.account("teacher3")})
    assert foreign["errors"] == missing["errors"] == {"group_id": ["Такой группы нет."]}
    # A parent of the school holds no post there: its groups are not his to learn of either.
    assert api.problem("guardian2", "POST", "/loads", 422, json={
        "group_id": w.id("s1-5b"), "subject_id": pe, "teacher_account_id": w.account("teacher3")})["errors"] == \
        {"group_id": ["Такой группы нет."]}
    # A teacher of the school sees its groups: refused the write as such.
    api.problem("teacher1", "POST", "/loads", 403, json={
        "group_id": w.id("s1-5a"), "subject_id": pe, "teacher_account_id": w.account("teacher3")})
    load = api.ok("admin1", "POST", "/loads", json={"group_id": w.id("s1-5a"), "subject_id": pe,
                                                    "teacher_account_id": w.account("teacher3"),
                                                    "scale": "pass_fail"})
    assert (load["scale"], load["organisation_id"], load["academic_year_id"]) == ("pass_fail", org, w.id("year"))
    mine = {ld["id"] for ld in api.ok("teacher3", "GET", "/loads?mine=true")}
    assert mine == {load["id"]}


def test_timetable_refuses_clashes_and_generates_lessons_without_holidays(api, world, school):
    w = world
    term = school.terms[2]
    terms = {t["id"]: t for t in api.ok("admin1", "GET", f"/terms?organisation_id={w.id('school1')}")}
    start, end = date.fromisoformat(terms[term]["starts_on"]), date.fromisoformat(terms[term]["ends_on"])
    slot = {"term_id": term}
    api.ok("admin1", "POST", "/timetable", json={**slot, "load_id": school.maths_5a, "weekday": 1, "period": 1})
    api.ok("admin1", "POST", "/timetable", json={**slot, "load_id": school.maths_5a, "weekday": 3, "period": 2})
    # teacher1 teaches 5Б too: not at the same hour.
    before = api.count(TimetableSlot)
    clash = api.problem("admin1", "POST", "/timetable", 409,
                        json={**slot, "load_id": school.maths_5b, "weekday": 1, "period": 1})
    assert "period" in clash["errors"] and "У учителя" in clash["detail"]
    # 5А cannot have Russian in its maths hour either.
    group_clash = api.problem("deputy1", "POST", "/timetable", 409,
                              json={**slot, "load_id": school.russian_5a, "weekday": 3, "period": 2})
    assert "У группы" in group_clash["detail"]
    assert api.count(TimetableSlot) == before
    api.ok("admin1", "POST", "/timetable", json={**slot, "load_id": school.maths_5b, "weekday": 1, "period": 2})
    api.problem("teacher1", "POST", "/timetable", 403,
                json={**slot, "load_id": school.maths_5a, "weekday": 5, "period": 5})

    holiday_start = start + timedelta(days=21)
    holiday_end = holiday_start + timedelta(days=6)
    api.ok("admin1", "POST", "/holidays", json={"organisation_id": w.id("school1"), "name": "Осенние каникулы",
                                                "starts_on": holiday_start.isoformat(),
                                                "ends_on": holiday_end.isoformat()})
    api.problem("teacher1", "POST", "/timetable/generate", 403, json={"term_id": term})
    created = api.ok("admin1", "POST", "/timetable/generate", json={"term_id": term, "group_id": w.id("s1-5a")})
    expected = [d for d in (start + timedelta(days=i) for i in range((end - start).days + 1))
                if d.isoweekday() in (1, 3) and not holiday_start <= d <= holiday_end]
    maths = sorted(date.fromisoformat(les["date"]) for les in created if les["load_id"] == school.maths_5a)
    assert maths == expected
    assert not any(holiday_start <= date.fromisoformat(les["date"]) <= holiday_end for les in created)
    # Generating again adds nothing; 5Б (not asked for) got nothing.
    assert api.ok("admin1", "POST", "/timetable/generate", json={"term_id": term, "group_id": w.id("s1-5a")}) == []
    assert api.count(Lesson, Lesson.load_id == school.maths_5b) == 0

    timetable = api.ok("teacher1", "GET", f"/timetable?term_id={term}")
    assert {(s["weekday"], s["period"], s["load_id"]) for s in timetable} == {
        (1, 1, school.maths_5a), (3, 2, school.maths_5a), (1, 2, school.maths_5b)}
    assert api.ok("teacher3", "GET", f"/timetable?term_id={term}") == []

    # One lesson moved to another day and given another kind, by the administration... not allowed
    # to a stranger; the teacher may.
    lesson = created[0]
    moved = (date.fromisoformat(lesson["date"]) + timedelta(days=1)).isoformat()
    api.problem("teacher3", "PATCH", f"/lessons/{lesson['id']}", 404, json={"date": moved})
    edited = api.ok("teacher1", "PATCH", f"/lessons/{lesson['id']}", json={"date": moved, "period": 4,
                                                                           "kind": "excursion"})
    assert (edited["date"], edited["period"], edited["kind"]) == (moved, 4, "excursion")
    assert api.ok("teacher1", "GET", f"/lessons/{lesson['id']}")["date"] == moved
    # A lesson that will not take place is removed; one with a topic is not.
    spare, kept = created[1], created[2]
    api.ok("teacher1", "PATCH", f"/lessons/{kept['id']}", json={"topic": "Повторение"})
    api.problem("teacher1", "DELETE", f"/lessons/{kept['id']}", 409)
    api.problem("teacher3", "DELETE", f"/lessons/{spare['id']}", 404)
    api.ok("deputy1", "DELETE", f"/lessons/{spare['id']}")
    assert api.count(Lesson, Lesson.id == spare["id"]) == 0
    assert api.count(Lesson, Lesson.id == kept["id"]) == 1
