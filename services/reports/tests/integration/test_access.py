"""Who reaches which report: a school's administration its own school, the department every
school and the city, nobody else — tried by changing the ids."""
from __future__ import annotations

import pytest


def school_path(world, school: str, what: str = "report") -> str:
    return f"/diary/schools/{world.id(school)}/{what}"


@pytest.mark.parametrize("login", ["admin1", "deputy1", "dept"])
def test_a_schools_administration_and_the_department_read_its_report(api, world, login):
    assert api.ok(login, "GET", school_path(world, "school1"))["short_name"] == "Школа № 1"


@pytest.mark.parametrize(("login", "school"), [("admin2", "school1"), ("admin1", "school2"), ("deputy1", "school2"),
                                               ("teacher1", "school1"), ("guardian1", "school1")])
def test_nobody_else_reads_a_schools_report_or_entries(api, world, login, school):
    for what in ("report", "entries"):
        problem = api.problem(login, "GET", school_path(world, school, what), 403)
        assert problem["status"] == 403


@pytest.mark.parametrize("login", ["admin1", "deputy1", "teacher1", "guardian1"])
def test_only_the_department_reads_the_city_and_sets_the_schedule(api, world, login):
    api.problem(login, "GET", "/diary/city/report", 403)
    api.problem(login, "PUT", "/diary/schedule", 403, json={"campaign_year": 2026, "dates": ["2030-01-01"]},
                headers={"If-Match": "*"})


@pytest.mark.parametrize("login", ["teacher1", "guardian1"])
def test_the_schedule_is_not_for_teachers_or_families(api, login):
    api.problem(login, "GET", "/diary/schedule", 403)


@pytest.mark.parametrize("login", ["deputy1", "admin2", "dept"])
def test_only_the_schools_own_administrator_enters_its_items(api, world, login):
    api.problem(login, "PUT", school_path(world, "school1", "entries"), 403, json={"system_name": "Чужое"},
                headers={"If-Match": "*"})
    assert api.ok("admin1", "GET", school_path(world, "school1", "entries"))["system_name"] is None


def test_an_unknown_school_is_not_found_for_the_department(api):
    api.problem("dept", "GET", "/diary/schools/00000000-0000-4000-8000-000000000000/report", 404)


def test_bad_entries_name_the_field_and_save_nothing(api, world):
    path = school_path(world, "school1", "entries")
    etag = api.as_("admin1", "GET", path).headers["ETag"]
    problem = api.problem("admin1", "PUT", path, 422, headers={"If-Match": etag}, json={
        "familiarisation": {"teachers": 140}, "problems": [{"solved": "maybe"}], "site_link": "sometimes"})
    assert {"familiarisation", "problems", "site_link"} <= set(problem["errors"])
    assert api.ok("admin1", "GET", path)["familiarisation"] is None
    api.problem("admin1", "PUT", path, 428, json={"system_name": "Кабинет"})
