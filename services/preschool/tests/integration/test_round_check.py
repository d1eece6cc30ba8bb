"""The two-rounds check (seed 000 §3.5): at least two observation rounds a year, at its start and
at its end; the control read flags a kindergarten missing one. «Не реже двух раз» is a floor, so
a third round is allowed."""


def _check(world, login="department"):
    response = world.as_(login, "GET", f"/control/rounds?academic_year_id={world.year()}")
    assert response.status_code == 200, response.json
    return {row["name"]: row for row in response.json["items"]}


def _open(world, number, deadline):
    return world.as_("department", "POST", "/rounds", json={
        "organisation_id": world.org("Детский сад № 1"), "academic_year_id": world.year(), "number": number,
        "deadline": deadline})


def test_a_kindergarten_missing_a_round_is_flagged_and_a_third_round_is_allowed(fresh_world):
    world = fresh_world
    row = _check(world)["Детский сад № 1"]
    assert not row["complete"] and row["missing"] == ["start", "end"] and row["rounds"] == []
    assert _open(world, 1, "2026-10-15").status_code == 201
    assert _open(world, 2, "2026-11-20").status_code == 201  # two rounds, both at the start of the year
    row = _check(world)["Детский сад № 1"]
    assert [r["number"] for r in row["rounds"]] == [1, 2] and row["missing"] == ["end"] and not row["complete"]
    incomplete = world.as_("department", "GET", f"/control/rounds?academic_year_id={world.year()}"
                                                "&incomplete_only=true").json
    assert "Детский сад № 1" in {r["name"] for r in incomplete["items"]}
    assert _open(world, 3, "2027-04-15").status_code == 201  # a third round: allowed
    row = _check(world, "kg1-admin")["Детский сад № 1"]
    assert row["complete"] and row["missing"] == [] and len(row["rounds"]) == 3


def test_only_the_department_and_the_kindergartens_administration_read_the_check(fresh_world):
    world, kg1 = fresh_world, fresh_world.org("Детский сад № 1")
    assert set(_check(world, "kg1-admin")) == {"Детский сад № 1"}
    for login in ("educator1", "guardian1", "school1-admin"):
        assert world.as_(login, "GET", f"/control/rounds?academic_year_id={world.year()}&organisation_id={kg1}"
                         ).status_code == 403, login
    bad = world.as_("department", "GET", "/control/rounds?academic_year_id=not-a-year")
    assert bad.status_code == 422 and "academic_year_id" in bad.json["errors"]
