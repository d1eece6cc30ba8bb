"""Closing the academic year: only the administrator, once; year marks computed from term marks
(a year mark the teacher set is kept); terms closed and audited; the year frozen; events
without personal data; and the groups' pupils followed into the next year as identity moves
them (5А → 6А, leavers withdrawn)."""
import json
from datetime import timedelta

from kabinet_journal.models import TermAudit, TermMark, YearClosing


def _term_marks(api, login, load, term, marks):
    api.ok(login, "PUT", f"/loads/{load}/period-marks", json={
        "period": "term", "term_id": term, "marks": [{"child_id": c, "value": v} for c, v in marks]})


def test_closing_the_year(api, world, school, feed):
    i, year = world.id, world.id("year")
    _term_marks(api, "teacher1", school.maths_5a, school.terms[1], [(i("ivan"), 5), (i("maria"), 3), (i("artem"), 3)])
    _term_marks(api, "teacher1", school.maths_5a, school.terms[2], [(i("ivan"), 4), (i("maria"), 4)])
    api.ok("tutor1", "PUT", f"/loads/{school.russian_5a}/period-marks", json={
        "period": "year", "marks": [{"child_id": i("ivan"), "value": 3}]})
    path = f"/years/{year}/close"
    body = {"organisation_id": i("school1")}

    # Refusals first, and nothing written by them.
    for login in ("teacher1", "deputy1", "tutor1", "admin2", "dept", "guardian1"):
        api.problem(login, "POST", path, 403, json=body)
    assert "organisation_id" in api.problem("admin1", "POST", path, 422, json={})["errors"]
    unknown = api.problem("admin1", "POST", "/years/00000000-0000-4000-8000-000000000000/close", 422, json=body)
    assert "academic_year_id" in unknown["errors"]
    assert api.count(YearClosing) == 0 and api.count(TermMark, TermMark.period == "year") == 1
    assert api.ok("admin1", "GET", f"/years/{year}/closing?organisation_id={i('school1')}")["closed"] is False

    events_before = len(api.events())
    closed = api.ok("admin1", "POST", path, json=body)
    assert closed["closed"] is True
    c = closed["closing"]
    assert (c["terms_closed"], c["year_marks_computed"], c["year_marks_kept"], c["closed_by"]) == (
        3, 3, 1, world.account("admin1"))
    # Without term marks: Maria and Artem in Russian, Olga in 5Б maths.
    assert c["pupils_without_term_marks"] == 3
    with api.session() as s:
        year_marks = {(m.load_id, m.child_id): m.value for m in s.query(TermMark).filter(TermMark.period == "year")}
    assert year_marks == {(school.maths_5a, i("ivan")): "5",    # 4.5 rounds up
                          (school.maths_5a, i("maria")): "4",   # 3.5 rounds up
                          (school.maths_5a, i("artem")): "3",   # one term only
                          (school.russian_5a, i("ivan")): "3"}  # the teacher's own, kept
    new_events = api.events()[events_before:]
    types = [t for t, _ in new_events]
    assert types.count("journal.term.closed.v1") == 3 and types.count("journal.final_mark.set.v1") == 3
    assert types[-1] == "journal.year.closed.v1" and new_events[-1][1]["year_marks_computed"] == 3
    assert {(d["child_id"], d["value"], d["period"]) for t, d in new_events if t == "journal.final_mark.set.v1"} == {
        (i("ivan"), "5", "year"), (i("maria"), "4", "year"), (i("artem"), "3", "year")}
    text = json.dumps([d for _, d in new_events], ensure_ascii=False)
    assert "Петров" not in text and "Иван" not in text
    # Every term is closed and the closing is in each term's audit.
    for term in school.terms.values():
        assert api.ok("deputy1", "GET", f"/terms/{term}/audit")["items"][-1]["reason"] == "year closed"
    assert api.count(TermAudit) == 3

    # Once only; and the year is frozen.
    api.problem("admin1", "POST", path, 409, json=body)
    assert api.count(YearClosing) == 1
    api.ok("admin1", "PUT", "/curriculum", json={"organisation_id": i("school1"), "academic_year_id": year,
                                                 "grade_level": 5, "subject_id": school.maths, "hours": 1})
    frozen = api.save_plan("teacher1", school.maths_5a, status=409,
                           body={"topics": [{"title": "Повторение", "hours": 1}]})
    assert "academic_year_id" in frozen["errors"]
    api.problem("teacher1", "POST", f"/loads/{school.maths_5a}/lessons", 409,
                json={"date": world.today.isoformat(), "topic": "Поздно"})
    # Neither a year mark nor a reopened term can change a closed year.
    late_mark = api.problem("teacher1", "PUT", f"/loads/{school.maths_5a}/period-marks", 409, json={
        "period": "year", "marks": [{"child_id": i("maria"), "value": 5}]})
    assert "academic_year_id" in late_mark["errors"]
    reopen = api.problem("admin1", "POST", f"/terms/{school.terms[2]}/reopen", 409, json={"reason": "исправление"})
    assert "academic_year_id" in reopen["errors"]
    with api.session() as s:
        assert s.query(TermMark).filter(TermMark.period == "year", TermMark.child_id == i("maria")).one().value == "4"
    assert api.count(TermAudit) == 3
    # School 2's year is its own, still open.
    assert api.ok("admin2", "GET", f"/years/{year}/closing?organisation_id={i('school2')}")["closed"] is False

    # Identity moves the pupils into the next year: 6А formed, 5А promoted, a leaver withdrawn.
    next_start = world.today + timedelta(days=245)
    feed.send(("identity.academic_year.created.v1", {"academic_year_id": i("next-year"), "name": "next-year",
                                                      "starts_on": next_start,
                                                      "ends_on": next_start + timedelta(days=364)}),
              ("identity.group.created.v1", {"group_id": i("s1-6a"), "organisation_id": i("school1"),
                                              "academic_year_id": i("next-year"), "kind": "school_class",
                                              "name": "6А", "grade_level": 6, "age_band": None}),
              world.movement("transferred", "ivan", "school1", "s1-6a", next_start),
              world.movement("transferred", "maria", "school1", "s1-6a", next_start),
              world.movement("withdrawn", "artem", "school1", None, world.today + timedelta(days=10)))
    report = api.ok("dept", "GET", f"/years/{year}/closing?organisation_id={i('school1')}")
    groups = {g["name"]: g for g in report["groups"]}
    assert groups["5А"]["moved_to"] == [{"group_id": i("s1-6a"), "name": "6А", "academic_year_id": i("next-year"),
                                         "pupils": 2}]
    assert (groups["5А"]["withdrawn"], groups["5А"]["still_in_group"]) == (1, 0)
    assert (groups["5Б"]["still_in_group"], groups["5Б"]["moved_to"]) == (1, [])
    assert "Петров" not in json.dumps(report, ensure_ascii=False)
    for login in ("teacher1", "tutor1", "admin2", "guardian1"):
        api.problem(login, "GET", f"/years/{year}/closing?organisation_id={i('school1')}", 403)
