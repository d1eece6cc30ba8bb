"""``GET /me/round``: the caller's monitoring round by their own posts — the educator's group
with the cards not yet filled, the head's filling of the kindergarten's round, the city's
filling for the department — and nothing for anyone else."""
import pytest


@pytest.fixture(scope="module")
def opened(fresh_world):
    w = fresh_world
    out = {}
    for number, deadline in ((1, "2026-10-15"), (2, "2027-04-15")):
        response = w.as_("department", "POST", "/rounds", json={
            "organisation_id": w.org("Детский сад № 1"), "academic_year_id": w.year(), "number": number,
            "deadline": deadline})
        assert response.status_code == 201, response.json
        out[number] = response.json["id"]
    return out


def _me(world, login):
    response = world.as_(login, "GET", "/me/round")
    assert response.status_code == 200, response.json
    return response.json


def test_the_educator_sees_the_group_and_the_cards_left_to_fill(fresh_world, opened):
    w = fresh_world
    [group] = _me(w, "educator1")["groups"]
    assert (group["group_id"], group["name"], group["age_band"]) == (w.group("Солнышко"), "Солнышко", "senior")
    assert group["round"]["id"] == opened[2] and group["round"]["number"] == 2  # the latest open round
    kids = group["children"]
    assert kids > 0 and group["cards"] and group["cards_not_filled"] == kids * len(group["cards"])
    child = w.as_("educator1", "GET", f"/groups/{group['group_id']}/children").json["children"][0]["child_id"]
    indicators = w.indicators("senior", "communication")
    response = w.as_("educator1", "PUT", f"/children/{child}/rounds/{opened[2]}/cards/communication", json={
        "observations": [{"indicator_id": i["id"], "level": 1} for i in indicators]})
    assert response.status_code == 200, response.json
    after = _me(w, "educator1")["groups"][0]
    cards = {c["code"]: c for c in after["cards"]}
    assert cards["communication"]["children_not_filled"] == kids - 1
    assert cards["communication"]["indicators"] == len(indicators)
    assert after["cards_not_filled"] == group["cards_not_filled"] - 1
    assert _me(w, "educator1")["kindergartens"] == [] and _me(w, "educator1")["city"] is None


def test_the_head_sees_the_kindergartens_round_and_the_department_the_city(fresh_world, opened):
    w = fresh_world
    head = _me(w, "kg1-admin")
    [kg] = head["kindergartens"]
    assert (kg["organisation_id"], kg["round_id"], kg["round_number"]) == (w.org("Детский сад № 1"), opened[2], 2)
    assert kg["expected"] > 0 and 0 <= kg["filled"] <= kg["expected"] and kg["groups"]
    assert head["groups"] == [] and head["city"] is None
    city = _me(w, "department")["city"]
    assert city["round_number"] == 2
    assert [k["organisation_id"] for k in city["kindergartens"]] == [kg["organisation_id"]]
    assert (city["expected"], city["filled"]) == (kg["expected"], kg["filled"])


def test_others_get_nothing_of_the_kindergarten(fresh_world, opened):
    for login in ("teacher1", "school1-admin", "guardian1"):
        me = _me(fresh_world, login)
        assert (me["groups"], me["kindergartens"], me["city"]) == ([], [], None), login
