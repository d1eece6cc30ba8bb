"""Calendar-thematic plans (JRN-04): saved whole, hours equal to the curriculum's, and
their topics suggested for the load's lessons in order."""
from datetime import timedelta

from kabinet_journal.models import PlanTopic, ThematicPlan

TOPICS = [{"title": "Натуральные числа", "hours": 2}, {"title": "Дроби", "hours": 3},
          {"title": "Контрольная работа", "hours": 1, "kind": "practical_work"}]


def _curriculum(api, world, school, hours):
    api.ok("admin1", "PUT", "/curriculum", json={"organisation_id": world.id("school1"),
                                                 "academic_year_id": world.id("year"), "grade_level": 5,
                                                 "subject_id": school.maths, "hours": hours})


def test_a_plan_whose_hours_do_not_add_up_is_refused_and_nothing_is_written(api, world, school):
    before = api.count(PlanTopic), api.count(ThematicPlan)
    # No curriculum for grade 5 maths yet: the cause is named.
    missing = api.problem("teacher1", "PUT", f"/loads/{school.maths_5a}/plan", 422, json={"topics": TOPICS})
    assert "curriculum sets no hours" in missing["errors"]["total_hours"][0]
    _curriculum(api, world, school, 6)
    short = api.problem("teacher1", "PUT", f"/loads/{school.maths_5a}/plan", 422,
                        json={"topics": TOPICS[:2]})
    assert short["errors"]["total_hours"] == [
        "The plan has 5 hours; the curriculum sets 6 for «Математика» in grade 5."]
    bad = api.problem("teacher1", "PUT", f"/loads/{school.maths_5a}/plan", 422, json={"topics": [
        {"title": "  ", "hours": 3}, {"title": "Дроби", "hours": 0}, {"title": "Игра", "hours": 3, "kind": "party"}]})
    assert "topics" in bad["errors"]
    blank = api.problem("teacher1", "PUT", f"/loads/{school.maths_5a}/plan", 422, json={"topics": [
        {"title": "  ", "hours": 3}, {"title": "Дроби", "hours": 3}]})
    assert blank["errors"]["topics"]["0"]["title"]
    assert (api.count(PlanTopic), api.count(ThematicPlan)) == before


def test_the_teacher_saves_the_plan_whole_and_a_new_version_replaces_it(api, world, school):
    _curriculum(api, world, school, 6)
    plan = api.ok("teacher1", "PUT", f"/loads/{school.maths_5a}/plan", json={"topics": TOPICS})
    assert plan["total_hours"] == plan["curriculum_hours"] == 6 and plan["saved_by"] == world.account("teacher1")
    assert [(t["position"], t["title"], t["hours"], t["kind"]) for t in plan["topics"]] == [
        (1, "Натуральные числа", 2, "lesson"), (2, "Дроби", 3, "lesson"),
        (3, "Контрольная работа", 1, "practical_work")]
    # A failed save keeps the saved plan as it was.
    api.problem("teacher1", "PUT", f"/loads/{school.maths_5a}/plan", 422, json={"topics": TOPICS[:1]})
    assert len(api.ok("tutor1", "GET", f"/loads/{school.maths_5a}/plan")["topics"]) == 3
    # The administration may redraw it; the new one replaces it whole.
    again = api.ok("deputy1", "PUT", f"/loads/{school.maths_5a}/plan",
                   json={"topics": [{"title": "Повторение", "hours": 1}, {"title": "Дроби", "hours": 5}]})
    assert [t["title"] for t in again["topics"]] == ["Повторение", "Дроби"]
    assert api.count(PlanTopic, PlanTopic.load_id == school.maths_5a) == 2
    api.ok("teacher1", "PUT", f"/loads/{school.maths_5a}/plan", json={"topics": TOPICS})


def test_who_may_read_and_write_a_plan(api, world, school):
    _curriculum(api, world, school, 6)
    path = f"/loads/{school.maths_5a}/plan"
    for login in ("teacher3", "teacher2", "admin2", "guardian1", "pupil1"):  # other teacher, school, family
        api.problem(login, "PUT", path, 404, json={"topics": TOPICS})  # a load one may not read looks missing
    for login in ("teacher3", "teacher2", "admin2", "guardian1"):
        api.problem(login, "GET", path, 404)  # a load one may not read looks missing
    api.problem("tutor1", "PUT", path, 403, json={"topics": TOPICS})  # the tutor reads the class, does not plan
    api.ok("tutor1", "GET", path)
    api.problem("admin1", "GET", "/loads/00000000-0000-4000-8000-000000000000/plan", 404)


def test_the_plan_suggests_topics_for_the_lessons_in_order_and_the_teacher_takes_them(api, world, school, lesson_on):
    _curriculum(api, world, school, 6)
    api.ok("teacher1", "PUT", f"/loads/{school.maths_5a}/plan", json={"topics": TOPICS})
    base = school.today - timedelta(days=50)  # term 2
    lessons = [lesson_on(school.maths_5a, base + timedelta(days=d), period=4) for d in (0, 1, 2, 7, 8, 9, 14)]
    suggested = api.ok("teacher1", "GET", f"/loads/{school.maths_5a}/plan/lessons?term_id={school.terms[2]}")
    mine = [s for s in suggested if s["lesson_id"] in {les["id"] for les in lessons}]
    assert [s["suggested_topic"] for s in mine] == ["Натуральные числа", "Натуральные числа", "Дроби", "Дроби",
                                                   "Дроби", "Контрольная работа", None]
    assert [(s["hour"], s["of_hours"]) for s in mine[:3]] == [(1, 2), (2, 2), (1, 3)]
    assert all(s["topic"] is None for s in mine)  # suggested, not filled

    taken = api.ok("teacher1", "POST", f"/lessons/{lessons[5]['id']}/take-plan-topic")
    assert (taken["topic"], taken["kind"], taken["topic_entered_by"]) == (
        "Контрольная работа", "practical_work", world.account("teacher1"))
    assert taken["topic_late"] is True  # entered after the lesson's day, like any topic
    assert api.events("journal.lesson.conducted")[-1][1]["lesson_id"] == lessons[5]["id"]
    beyond = api.problem("teacher1", "POST", f"/lessons/{lessons[6]['id']}/take-plan-topic", 409)
    assert "за пределами часов плана" in beyond["detail"]
    api.problem("teacher3", "POST", f"/lessons/{lessons[0]['id']}/take-plan-topic", 404)
    api.problem("tutor1", "POST", f"/lessons/{lessons[0]['id']}/take-plan-topic", 403)
    api.problem("teacher2", "GET", f"/loads/{school.maths_5a}/plan/lessons", 404)
