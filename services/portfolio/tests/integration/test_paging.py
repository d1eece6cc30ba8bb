"""Every portfolio list pages the one way (``kabinet_kit.paging``): ``{items, total, limit, offset}``
in a stable order, its own filters, a limit out of range refused naming the field."""
import pytest

from .conftest import pdf_bytes

LISTS = ["/activities", "/coefficients", "/petitions", "/disputes", "/review", "/ratings/city"]


@pytest.mark.parametrize("path", LISTS)
def test_each_list_is_a_page_and_refuses_a_limit_out_of_range(world, path):
    login = "school1-admin"
    page = world.as_(login, "GET", f"{path}?limit=1")
    assert page.status_code == 200, page.json
    assert set(page.json) >= {"items", "total", "limit", "offset"} and page.json["limit"] == 1
    assert len(page.json["items"]) <= 1
    for bad in ("limit=0", "limit=201", "offset=-1"):
        refused = world.as_(login, "GET", f"{path}?{bad}")
        assert refused.status_code == 422 and refused.mimetype == "application/problem+json", bad
        assert bad.split("=")[0] in str(refused.json["errors"]), bad


def test_pages_walk_the_whole_list_in_a_stable_order_with_filters(world):
    w = world
    made = {w.activity(f"Турнир юных физиков, этап {n}", category="technical", subsection="technical_creativity")
            for n in range(5)}
    everything = w.as_("pupil1", "GET", "/activities?category=technical&search=Турнир юных&limit=200").json
    assert everything["total"] == 5 and {a["id"] for a in everything["items"]} == made
    walked = []
    for offset in range(0, 5, 2):
        page = w.as_("pupil1", "GET", f"/activities?category=technical&search=Турнир юных&limit=2&offset={offset}")
        assert page.json["total"] == 5 and page.json["offset"] == offset
        walked += [a["id"] for a in page.json["items"]]
    assert walked == [a["id"] for a in everything["items"]]  # no row moves between pages
    assert w.as_("pupil1", "GET", "/activities?category=sport&search=Турнир юных").json["total"] == 0

    # Disputes by state: an open one, then answered.
    ivan = w.person_of("pupil1")
    activity = sorted(made)[0]
    a = w.upload("pupil1", ivan, activity, pdf_bytes("physics-tournament"), date="2026-02-12", submit=True).json
    w.as_("tutor1", "POST", f"/achievements/{a['id']}/return", json={"reason": "Не тот этап"})
    did = w.as_("pupil1", "POST", f"/achievements/{a['id']}/disputes",
                json={"subject": "refusal", "text": "Этап верный"}).json["id"]
    def disputes(state):
        return [d["id"] for d in w.as_("school1-admin", "GET", f"/disputes?state={state}&limit=200").json["items"]]

    assert did in disputes("open")
    answer = {"answer": "Этап верный", "cited_activity_id": activity}
    assert w.as_("school1-admin", "POST", f"/disputes/{did}/answer", json=answer).status_code == 200
    assert did not in disputes("open") and did in disputes("answered")
    assert w.as_("school1-admin", "GET", "/disputes?state=lost").status_code == 422
    # The pupil's own achievements by state.
    returned = w.as_("pupil1", "GET", f"/pupils/{ivan}/achievements?state=returned&limit=200").json
    assert a["id"] in [x["id"] for x in returned["items"]] and all(x["state"] == "returned" for x in returned["items"])
