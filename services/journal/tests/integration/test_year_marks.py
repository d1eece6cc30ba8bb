"""Year and final attestation marks (seed 004 §1.3, §2.2) are read where term marks are: in the
grid, the term results and the diary, by exactly those who read term marks there."""
import pytest


@pytest.fixture(scope="module")
def attested(api, world, school):
    ivan, maria = world.id("ivan"), world.id("maria")
    api.ok("teacher1", "PUT", f"/loads/{school.maths_5a}/period-marks", json={
        "period": "term", "term_id": school.terms[2], "marks": [{"child_id": ivan, "value": 4}]})
    api.ok("teacher1", "PUT", f"/loads/{school.maths_5a}/period-marks", json={
        "period": "year", "marks": [{"child_id": ivan, "value": 4}, {"child_id": maria, "value": 3}]})
    api.ok("teacher1", "PUT", f"/loads/{school.maths_5a}/period-marks", json={
        "period": "final", "marks": [{"child_id": ivan, "value": 5}, {"child_id": maria, "value": 3}]})
    return {"ivan": ivan, "maria": maria}


def test_the_grid_and_the_term_results_show_the_years_attestation(api, school, attested):
    ivan, maria = attested["ivan"], attested["maria"]
    for login in ("teacher1", "tutor1", "deputy1"):
        for term in (school.terms[1], school.terms[2]):  # the year's marks in every term's grid
            grid = api.ok(login, "GET", f"/loads/{school.maths_5a}/grid?term_id={term}")
            pupils = {p["child_id"]: p for p in grid["pupils"]}
            assert (pupils[ivan]["year_mark"], pupils[ivan]["final_mark"]) == ("4", "5")
            assert (pupils[maria]["year_mark"], pupils[maria]["final_mark"]) == ("3", "3")
        results = {r["child_id"]: r for r in api.ok(
            login, "GET", f"/loads/{school.maths_5a}/term-results?term_id={school.terms[2]}")["items"]}
        assert (results[ivan]["term_mark"], results[ivan]["year_mark"], results[ivan]["final_mark"]) == \
            ("4", "4", "5")
    # Another subject of the same class has none of them.
    russian = api.ok("tutor1", "GET", f"/loads/{school.russian_5a}/grid?term_id={school.terms[2]}")
    assert all(p["year_mark"] is None and p["final_mark"] is None for p in russian["pupils"])


def test_who_may_not_read_term_marks_reads_no_year_or_final_mark(api, world, school, attested):
    for login in ("teacher3", "teacher2", "guardian1", "pupil1", "dept"):  # another class's teacher, school
        api.problem(login, "GET", f"/loads/{school.maths_5a}/grid?term_id={school.terms[2]}", 404)
        api.problem(login, "GET", f"/loads/{school.maths_5a}/term-results?term_id={school.terms[2]}", 404)
    # guardian3 is Maria's guardian without the e_diary consent: no diary, so no marks in it.
    refused = api.problem("guardian3", "GET", f"/diary/{attested['maria']}?term_id={school.terms[2]}", 403)
    assert "year_mark" not in str(refused) and "subjects" not in refused
    api.problem("guardian2", "GET", f"/diary/{attested['ivan']}?term_id={school.terms[2]}", 404)


def test_the_diary_shows_the_years_attestation_to_the_pupil_and_the_consenting_guardian(api, school, attested):
    for login in ("guardian1", "pupil1"):
        diary = api.ok(login, "GET", f"/diary/{attested['ivan']}?term_id={school.terms[2]}")
        maths = next(s for s in diary["subjects"] if s["load_id"] == school.maths_5a)
        assert (maths["term_mark"], maths["year_mark"], maths["final_mark"]) == ("4", "4", "5")
        russian = next(s for s in diary["subjects"] if s["load_id"] == school.russian_5a)
        assert (russian["year_mark"], russian["final_mark"]) == (None, None)
