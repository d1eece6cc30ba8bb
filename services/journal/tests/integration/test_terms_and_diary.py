"""Closing a term locks its marks and only an administrator reopens it (audited); the
department sees statistics without names; the diary is the pupil's and, while the e_diary
consent is in force, the guardian's — their own only, and a revocation ends it at once."""
import uuid
from datetime import date, timedelta

import pytest

from kabinet_journal.models import Lesson, Mark, TermAudit


@pytest.fixture(scope="module")
def term1_lesson(api, world, school):
    """A lesson of 5А maths in term 1 with marks, and attendance in term 2, before term 1 closes."""
    terms = {t["id"]: t for t in api.ok("admin1", "GET", f"/terms?organisation_id={world.id('school1')}")}
    on = date.fromisoformat(terms[school.terms[1]]["ends_on"]) - timedelta(days=3)
    lesson = api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/lessons",
                    json={"date": on.isoformat(), "topic": "Повторение", "homework": "Стр. 40"})
    api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/grid", json={"marks": [
        {"lesson_id": lesson["id"], "child_id": world.id("ivan"), "value": 5, "kind": "control"},
        {"lesson_id": lesson["id"], "child_id": world.id("maria"), "value": 3}]})
    return lesson


def test_closing_a_term_locks_it_and_only_an_administrator_reopens_it(api, world, school, term1_lesson):
    term = school.terms[1]
    api.problem("teacher1", "POST", f"/terms/{term}/close", 403)
    api.problem("admin2", "POST", f"/terms/{term}/close", 404)  # another school's: as a missing one
    closed = api.ok("deputy1", "POST", f"/terms/{term}/close")
    assert closed["closed_at"] and closed["closed_by"] == world.account("deputy1")
    api.problem("deputy1", "POST", f"/terms/{term}/close", 409)

    mark = next(p for p in api.ok("teacher1", "GET", f"/loads/{school.maths_5a}/grid?term_id={term}")["pupils"]
                if p["child_id"] == world.id("ivan"))["marks"][0]
    marks_before, events_before = api.count(Mark), len(api.events())
    locked = api.problem("teacher1", "POST", f"/loads/{school.maths_5a}/grid", 422, json={
        "marks": [{"lesson_id": term1_lesson["id"], "child_id": world.id("artem"), "value": 4},
                  {"mark_id": mark["id"], "child_id": world.id("ivan"), "value": 2}],
        "deletions": [mark["id"]]})
    assert "закрыт" in locked["errors"]["marks"]["0"]["lesson_id"][0]
    assert "закрыт" in locked["errors"]["marks"]["1"]["lesson_id"][0]
    assert "закрыт" in locked["errors"]["deletions"]["0"]["lesson_id"][0]
    api.problem("teacher1", "PATCH", f"/marks/{mark['id']}", 422, json={"value": 2})
    api.problem("teacher1", "PATCH", f"/lessons/{term1_lesson['id']}", 409, json={"topic": "Другое"})
    in_closed = api.problem("teacher1", "POST", f"/loads/{school.maths_5a}/lessons", 409,
                            json={"date": term1_lesson["date"], "period": 3})
    assert "date" in in_closed["errors"]
    api.problem("teacher1", "PUT", f"/loads/{school.maths_5a}/period-marks", 409, json={
        "period": "term", "term_id": term, "marks": [{"child_id": world.id("ivan"), "value": 5}]})
    assert (api.count(Mark), len(api.events())) == (marks_before, events_before)
    assert api.count(Lesson, Lesson.date == date.fromisoformat(term1_lesson["date"])) == 1
    assert api.ok("teacher1", "GET", f"/loads/{school.maths_5a}/grid?term_id={term}")["term"]["closed"] is True

    # The deputy closes but does not reopen; the administrator reopens, giving a reason.
    api.problem("deputy1", "POST", f"/terms/{term}/reopen", 403, json={"reason": "Исправление ошибки"})
    api.problem("admin2", "POST", f"/terms/{term}/reopen", 404, json={"reason": "Исправление ошибки"})
    assert "reason" in api.problem("admin1", "POST", f"/terms/{term}/reopen", 422, json={})["errors"]
    reopened = api.ok("admin1", "POST", f"/terms/{term}/reopen", json={"reason": "Исправление ошибки в оценке"})
    assert reopened["closed_at"] is None
    audit = api.ok("deputy1", "GET", f"/terms/{term}/audit")
    assert [(a["action"], a["account_id"]) for a in audit] == [
        ("closed", world.account("deputy1")), ("reopened", world.account("admin1"))]
    assert audit[1]["reason"] == "Исправление ошибки в оценке"
    api.problem("teacher1", "GET", f"/terms/{term}/audit", 403)
    assert [t for t, d in api.events("journal.term.") if d["term_id"] == term] == [
        "journal.term.closed.v1", "journal.term.reopened.v1"]
    assert api.ok("teacher1", "PATCH", f"/marks/{mark['id']}", json={"value": 4})["value"] == "4"
    assert api.count(TermAudit) == 2


def test_the_department_reads_statistics_without_names(api, world, school, term1_lesson):
    rows = api.ok("dept", "GET", f"/statistics/progress?organisation_id={world.id('school1')}"
                                 f"&term_id={school.terms[1]}")
    maths = next(r for r in rows if r["load_id"] == school.maths_5a)
    assert maths["marks"] >= 2 and maths["lessons"] >= 1 and maths["group"] == "5А"
    text = str(rows)
    assert not any(n in text for n in ("Петров", "Александрова", "Иван", world.id("ivan"), world.id("maria")))
    assert api.ok("deputy1", "GET", f"/statistics/progress?organisation_id={world.id('school1')}"
                                    f"&term_id={school.terms[1]}") == rows
    api.problem("teacher1", "GET", f"/statistics/progress?organisation_id={world.id('school1')}"
                                   f"&term_id={school.terms[1]}", 403)
    api.problem("admin2", "GET", f"/statistics/progress?organisation_id={world.id('school1')}"
                                 f"&term_id={school.terms[1]}", 403)
    # Names and marks of pupils are not the department's to read.
    api.problem("dept", "GET", f"/loads/{school.maths_5a}/grid?term_id={school.terms[1]}", 404)
    api.problem("dept", "GET", f"/diary/{world.id('ivan')}", 404)
    api.problem("dept", "GET", f"/loads/{school.maths_5a}/term-results?term_id={school.terms[1]}", 404)


def test_the_diary_is_the_pupils_and_the_consenting_guardians_only(api, world, feed, school, term1_lesson):
    ivan = world.id("ivan")
    lesson = api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/lessons",
                    json={"date": school.today.isoformat(), "topic": "Уравнения", "homework": "№ 101, 102"})
    api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/grid", json={
        "marks": [{"lesson_id": lesson["id"], "child_id": ivan, "value": 4, "kind": "test"}],
        "attendance": [{"lesson_id": lesson["id"], "child_id": ivan, "status": "late"}]})
    api.ok("teacher1", "PUT", f"/loads/{school.maths_5a}/period-marks", json={
        "period": "term", "term_id": school.terms[1], "marks": [{"child_id": ivan, "value": 5}]})

    diary = api.ok("guardian1", "GET", f"/diary/{ivan}")
    assert diary["term"]["id"] == school.terms[2] and diary["group"] == "5А"
    maths = next(s for s in diary["subjects"] if s["load_id"] == school.maths_5a)
    assert [(m["value"], m["kind"], m["topic"]) for m in maths["marks"]] == [("4", "test", "Уравнения")]
    assert maths["average"] == 4.0 and maths["late"] == 1
    assert any(h["homework"] == "№ 101, 102" and h["subject"] == "Математика" for h in diary["homework"])
    term1 = api.ok("pupil1", "GET", f"/diary/{ivan}?term_id={school.terms[1]}")
    assert next(s for s in term1["subjects"] if s["load_id"] == school.maths_5a)["term_mark"] == "5"
    summary = api.ok("pupil1", "GET", f"/diary/{ivan}/summary")
    assert summary["latest_marks"][0]["value"] == "4" and summary["attendance"]["late"] == 1

    # Another family's child, by changing the id: answered to the guardian and to the pupil as a
    # child that does not exist (issue 11, Low 3: no existence oracle).
    for login in ("guardian1", "pupil1"):
        for path in ("/diary/{}", "/diary/{}/summary"):
            foreign = api.problem(login, "GET", path.format(world.id("olga")), 404)
            missing = api.problem(login, "GET", path.format(uuid.uuid4()), 404)
            assert {k: foreign[k] for k in ("type", "title", "detail")} == \
                {k: missing[k] for k in ("type", "title", "detail")}
    api.problem("guardian2", "GET", f"/diary/{ivan}", 404)
    assert api.ok("guardian2", "GET", f"/diary/{world.id('olga')}")["group"] == "5Б"
    # guardian3 is Maria's guardian but has given no e_diary consent.
    refused = api.problem("guardian3", "GET", f"/diary/{world.id('maria')}", 403)
    assert "согласие" in refused["detail"]
    # Staff read journals, not diaries.
    api.problem("teacher1", "GET", f"/diary/{ivan}", 404)
    # A diary user sees no teacher's grid.
    api.problem("guardian1", "GET", f"/loads/{school.maths_5a}/grid?term_id={school.terms[2]}", 404)
    api.problem("pupil1", "GET", f"/loads/{school.maths_5a}/grid?term_id={school.terms[2]}", 404)

    # The consent is revoked in identity: the very next request is refused; the pupil still reads.
    feed.send(world.consent("revoked", "ivan"))
    assert "согласие" in api.problem("guardian1", "GET", f"/diary/{ivan}", 403)["detail"]
    api.problem("guardian1", "GET", f"/diary/{ivan}/summary", 403)
    assert api.ok("pupil1", "GET", f"/diary/{ivan}")["child_id"] == ivan
    # Given again (a new consent), the guardian reads again.
    feed.send(("identity.consent.given.v1", {**world.consent("given", "ivan")[1],
                                              "consent_id": world.id("consent-ivan-2")}))
    assert api.ok("guardian1", "GET", f"/diary/{ivan}/summary")["child_id"] == ivan
