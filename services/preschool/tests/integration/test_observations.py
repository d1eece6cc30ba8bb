"""Recording observations one by one and a whole card at once; bad input is refused with a
clear problem+json and nothing is written."""
from sqlalchemy import func, select

from kabinet_preschool import models as m


def _sunshine_child(world, name="Миша"):
    listing = world.as_("educator1", "GET", f"/groups/{world.group('Солнышко')}/children").json["children"]
    return next(c["child_id"] for c in listing if name in c["display_name"])


def _state(world):
    return world.count(m.Observation), len(world.outbox_types()), world.count(m.LevelCount)


def test_one_observation_then_a_whole_card_show_in_the_childs_cabinet(world, rounds):
    child = _sunshine_child(world)
    sport = world.indicators("senior", "sport")
    one = world.as_("educator1", "POST", "/observations", json={
        "child_id": child, "round_id": rounds[1], "indicator_id": sport[0]["id"], "level": 1,
        "note": "Быстро устаёт на прогулке"})
    assert one.status_code == 200, one.json
    card = world.as_("educator1", "PUT", f"/children/{child}/rounds/{rounds[1]}/cards/sport", json={
        "observations": [{"indicator_id": i["id"], "level": 2} for i in sport]})
    assert card.status_code == 200, card.json
    assert sorted(o["level"] for o in card.json) == [2] * len(sport)
    later = world.as_("educator1", "PUT", f"/children/{child}/rounds/{rounds[2]}/cards/sport", json={
        "observations": [{"indicator_id": i["id"], "level": 3} for i in sport]})
    assert later.status_code == 200
    cabinet = world.as_("educator1", "GET", f"/children/{child}/cabinet").json
    assert cabinet["group"]["age_band"] == "senior" and cabinet["display_name"] == "Соколов Миша"
    sport_card = next(c for c in cabinet["catalogues"][0]["cards"] if c["code"] == "sport")
    first = sport_card["indicators"][0]
    assert [(o["round_number"], o["level"]) for o in first["observations"]] == [(1, 2), (2, 3)]
    assert [lv["level"] for lv in first["levels"]] == [1, 2, 3] and first["levels"][0]["description"]
    assert {"card_code": "sport", "card_title": "Спорт", "from_round": 1, "to_round": 2,
            "improved": len(sport), "same": 0, "declined": 0} in cabinet["dynamics"]
    types = world.outbox_types()
    assert "preschool.observation.recorded.v1" in types and "preschool.observation.changed.v1" in types


def test_a_level_outside_the_scale_is_refused_and_nothing_is_written(world, rounds):
    child, ind = _sunshine_child(world, "Вера"), world.indicators("senior", "speech")[0]
    before = _state(world)
    response = world.as_("educator1", "POST", "/observations", json={
        "child_id": child, "round_id": rounds[1], "indicator_id": ind["id"], "level": 4})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert "between 1 and 3" in response.json["errors"]["level"][0]
    assert _state(world) == before


def test_a_card_with_one_bad_item_writes_nothing_and_names_the_field(world, rounds):
    child = _sunshine_child(world, "Вера")
    speech = world.indicators("senior", "speech")
    before = _state(world)
    items = [{"indicator_id": i["id"], "level": 2} for i in speech]
    items[1]["level"] = 0
    response = world.as_("educator1", "PUT", f"/children/{child}/rounds/{rounds[1]}/cards/speech",
                         json={"observations": items})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["observations.1.level"]
    assert _state(world) == before


def test_an_indicator_of_another_age_band_or_card_is_refused(world, rounds):
    child = _sunshine_child(world, "Вера")
    before = _state(world)
    middle = world.indicators("middle", "speech")[0]
    response = world.as_("educator1", "POST", "/observations", json={
        "child_id": child, "round_id": rounds[1], "indicator_id": middle["id"], "level": 2})
    assert response.status_code == 422 and "age band" in response.json["errors"]["indicator_id"][0]
    sport = world.indicators("senior", "sport")[0]
    response = world.as_("educator1", "PUT", f"/children/{child}/rounds/{rounds[1]}/cards/speech",
                         json={"observations": [{"indicator_id": sport["id"], "level": 2}]})
    assert response.status_code == 422 and "observations.0.indicator_id" in response.json["errors"]
    assert _state(world) == before


def test_the_department_adds_a_catalogue_version_and_old_rounds_keep_theirs(world, rounds):
    created = world.as_("department", "POST", "/catalogue/versions",
                        json={"title": "Версия 2: дополнение карты «Техномир»", "basis": "Приказ № 77"})
    assert created.status_code == 201, created.json
    number = created.json["number"]
    added = world.as_("department", "POST", f"/catalogue/versions/{number}/indicators", json={
        "card_code": "technoworld", "age_band": "senior", "code": "technoworld-senior-robot",
        "title": "Программирует простого робота по карточкам",
        "levels": [{"level": 1, "description": "Повторяет за взрослым"},
                   {"level": 2, "description": "Составляет программу с подсказкой"},
                   {"level": 3, "description": "Составляет программу сам"},
                   {"level": 4, "description": "Придумывает свои задачи для робота"}]})
    assert added.status_code == 201, added.json
    card = world.as_("department", "POST", f"/catalogue/versions/{number}/cards",
                     json={"code": "nature", "title": "Природа"})
    assert card.status_code == 201
    assert world.as_("educator1", "POST", f"/catalogue/versions/{number}/publish").status_code == 403
    published = world.as_("department", "POST", f"/catalogue/versions/{number}/publish")
    assert published.status_code == 200 and published.json["status"] == "published"
    # Published versions are frozen.
    frozen = world.as_("department", "POST", f"/catalogue/versions/{number}/cards", json={"code": "x1", "title": "X"})
    assert frozen.status_code == 409
    current = world.as_("educator1", "GET", "/catalogue?age_band=senior").json
    assert current["number"] == number and "nature" in [c["code"] for c in current["cards"]]

    # Rounds 1 and 2 were opened under version 1: an indicator of the new version does not fit them.
    child, before = _sunshine_child(world, "Вера"), _state(world)
    response = world.as_("educator1", "POST", "/observations", json={
        "child_id": child, "round_id": rounds[1], "indicator_id": added.json["id"], "level": 4})
    assert response.status_code == 422 and "catalogue version 1" in response.json["errors"]["indicator_id"][0]
    assert _state(world) == before
    old = world.as_("educator1", "GET", f"/children/{child}/cabinet").json["catalogues"]
    assert [c["number"] for c in old] == [1]


def test_an_observation_after_the_round_is_closed_is_refused(world):
    kg1, year = world.org("Детский сад № 1"), world.year()
    opened = world.as_("department", "POST", "/rounds", json={
        "organisation_id": kg1, "academic_year_id": year, "number": 3, "deadline": "2027-05-20"})
    assert opened.status_code == 201
    child = _sunshine_child(world, "Вера")
    ind = next(i for i in world.indicators("senior", "speech", version=opened.json["catalogue_version"]))
    assert world.as_("educator1", "POST", "/observations", json={
        "child_id": child, "round_id": opened.json["id"], "indicator_id": ind["id"], "level": 2}).status_code == 200
    assert world.as_("kg1-admin", "PATCH", f"/rounds/{opened.json['id']}", json={"status": "closed"}).status_code == 403
    closed = world.as_("department", "PATCH", f"/rounds/{opened.json['id']}", json={"status": "closed"})
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    before = _state(world)
    response = world.as_("educator1", "POST", "/observations", json={
        "child_id": child, "round_id": opened.json["id"], "indicator_id": ind["id"], "level": 3})
    assert response.status_code == 409 and response.mimetype == "application/problem+json"
    assert "закрыт" in response.json["detail"]
    assert _state(world) == before
    with world.session() as s:
        assert s.scalar(select(func.max(m.Observation.level)).where(m.Observation.round_id == opened.json["id"])) == 2
    assert "preschool.round.closed.v1" in world.outbox_types()


def test_round_input_is_checked(world):
    kg1, year = world.org("Детский сад № 1"), world.year()
    bad = world.as_("department", "POST", "/rounds", json={
        "organisation_id": world.org("Школа № 1"), "academic_year_id": year, "number": 5, "deadline": "2030-01-01"})
    assert bad.status_code == 422 and "organisation_id" in bad.json["errors"]
    late = world.as_("department", "POST", "/rounds", json={
        "organisation_id": kg1, "academic_year_id": year, "number": 5, "deadline": "2030-01-01"})
    assert late.status_code == 422 and "deadline" in late.json["errors"]
    twice = world.as_("department", "POST", "/rounds", json={
        "organisation_id": kg1, "academic_year_id": year, "number": 1, "deadline": "2026-10-20"})
    assert twice.status_code == 409
    assert world.as_("kg1-admin", "POST", "/rounds", json={
        "organisation_id": kg1, "academic_year_id": year, "number": 6, "deadline": "2027-01-20"}).status_code == 403
