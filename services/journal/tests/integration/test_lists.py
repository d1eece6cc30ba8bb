"""Every journal list pages the same way ({items, total, limit, offset}, at most 200 a page, a
stable order so pages neither repeat nor skip rows) and filters by its natural keys."""
from datetime import timedelta


def _all_pages(api, login, path, limit):
    seen, offset = [], 0
    while True:
        page = api.ok(login, "GET", f"{path}{'&' if '?' in path else '?'}limit={limit}&offset={offset}")
        assert page["limit"] == limit and page["offset"] == offset
        seen += page["items"]
        offset += limit
        if offset >= page["total"]:
            return seen, page["total"]


def test_a_loads_lessons_page_in_a_stable_order_and_filter_by_term_and_dates(api, school):
    base = school.today - timedelta(days=20)
    for day in range(5):
        for period in (1, 2):
            api.ok("teacher1", "POST", f"/loads/{school.maths_5b}/lessons",
                   json={"date": (base + timedelta(days=day)).isoformat(), "period": period})
    path = f"/loads/{school.maths_5b}/lessons?term_id={school.terms[2]}"
    whole = api.ok("teacher1", "GET", path)
    assert whole["total"] == len(whole["items"]) == 10 and whole["limit"] == 50 and whole["offset"] == 0
    paged, total = _all_pages(api, "teacher1", path, 3)
    assert total == 10 and [les["id"] for les in paged] == [les["id"] for les in whole["items"]]
    assert [(les["date"], les["period"]) for les in paged] == sorted((les["date"], les["period"]) for les in paged)
    window = api.ok("teacher1", "GET", f"{path}&date_from={(base + timedelta(days=1)).isoformat()}"
                                       f"&date_to={(base + timedelta(days=2)).isoformat()}")
    assert window["total"] == 4
    assert api.ok("teacher1", "GET", f"/loads/{school.maths_5b}/lessons?term_id={school.terms[1]}")["total"] == 0
    too_many = api.problem("teacher1", "GET", f"{path}&limit=201", 422)
    assert "limit" in too_many["errors"]
    assert "offset" in api.problem("teacher1", "GET", f"{path}&offset=-1", 422)["errors"]


def test_loads_subjects_and_terms_filter_by_their_keys(api, world, school):
    maths = api.ok("admin1", "GET", f"/loads?subject_id={school.maths}")
    assert {ld["id"] for ld in maths["items"]} == {school.maths_5a, school.maths_5b} and maths["total"] == 2
    five_a = api.ok("admin1", "GET", f"/loads?group_id={world.id('s1-5a')}&teacher_account_id="
                                     f"{world.account('tutor1')}")
    assert [ld["id"] for ld in five_a["items"]] == [school.russian_5a]
    org = world.id("school1")
    first, second = (api.ok("admin1", "GET", f"/subjects?organisation_id={org}&limit=1&offset={n}") for n in (0, 1))
    assert first["total"] == second["total"] >= 2 and first["items"][0]["id"] != second["items"][0]["id"]
    terms = api.ok("admin1", "GET", f"/terms?organisation_id={org}&academic_year_id={world.id('year')}&limit=2")
    assert terms["total"] == 3 and [t["number"] for t in terms["items"]] == [1, 2]
    results = api.ok("teacher1", "GET", f"/loads/{school.maths_5a}/term-results?term_id={school.terms[2]}"
                                        f"&child_id={world.id('maria')}")
    assert [r["child_id"] for r in results["items"]] == [world.id("maria")] and results["total"] == 1
