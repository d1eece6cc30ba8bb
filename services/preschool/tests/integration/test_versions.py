"""Optimistic concurrency on the documents people edit (issue 12): a child's card in a round and
the development route. A read answers with its ETag; a save names it in If-Match; a save over a
newer version is 412 with the document as it is now; a save without If-Match is 428."""


def _sunshine_child(world, index=3):
    return world.as_("educator1", "GET", f"/groups/{world.group('Солнышко')}/children").json["children"][index][
        "child_id"]


def test_two_educators_saving_one_card_the_second_gets_412_with_the_current_card(world, rounds):
    child = _sunshine_child(world)
    path = f"/children/{child}/rounds/{rounds[1]}/cards/creativity"
    items = world.indicators("senior", "creativity")
    body = {"observations": [{"indicator_id": i["id"], "level": 1} for i in items]}
    assert world.as_("educator1", "PUT", path, json=body).status_code == 428

    read = world.as_("educator1", "GET", path)
    assert read.status_code == 200 and read.json["observations"] == [] and read.headers["ETag"]
    first = world.as_("educator1", "PUT", path, json=body, headers={"If-Match": read.headers["ETag"]})
    assert first.status_code == 200, first.json
    assert [o["level"] for o in first.json["observations"]] == [1] * len(items)
    assert first.headers["ETag"] == world.as_("educator1", "GET", path).headers["ETag"] != read.headers["ETag"]

    # The same old version again (a second tab): refused, nothing overwritten, the card as it is now.
    stale = world.as_("educator1", "PUT", path, headers={"If-Match": read.headers["ETag"]},
                      json={"observations": [{"indicator_id": i["id"], "level": 2} for i in items]})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    assert stale.headers["ETag"] == first.headers["ETag"]
    assert [o["level"] for o in stale.json["current"]["observations"]] == [1] * len(items)
    assert [o["level"] for o in world.as_("educator1", "GET", path).json["observations"]] == [1] * len(items)


def test_one_observation_names_the_version_of_its_card(world, rounds):
    child = _sunshine_child(world, index=4)
    ind = world.indicators("senior", "cognition")[0]
    card = f"/children/{child}/rounds/{rounds[1]}/cards/cognition"
    body = {"child_id": child, "round_id": rounds[1], "indicator_id": ind["id"], "level": 2}
    assert world.as_("educator1", "POST", "/observations", json=body).status_code == 428
    version = world.as_("educator1", "GET", card).headers["ETag"]
    assert world.as_("educator1", "POST", "/observations", json=body, headers={"If-Match": version}).status_code == 200
    again = world.as_("educator1", "POST", "/observations", json={**body, "level": 3}, headers={"If-Match": version})
    assert again.status_code == 412 and again.json["current"]["observations"][0]["level"] == 2


def test_a_card_of_another_group_or_a_card_not_in_the_catalogue_is_not_found(world, rounds):
    child = _sunshine_child(world)
    stars = world.as_("kg1-admin", "GET", f"/groups/{world.group('Звёздочки')}/children").json["children"][0]
    assert world.as_("educator1", "GET", f"/children/{stars['child_id']}/rounds/{rounds[1]}/cards/sport"
                     ).status_code == 404
    assert world.as_("educator1", "GET", f"/children/{child}/rounds/{rounds[1]}/cards/chess").status_code == 404


def test_the_route_is_saved_over_the_version_read(world, rounds):
    child = _sunshine_child(world, index=5)
    path = f"/children/{child}/routes/{rounds[1]}"
    goals = [{"card_code": "speech", "goal": "Пересказ сказки", "activities": "Чтение", "review_on": "2027-01-20"}]
    draft = world.as_("educator1", "GET", path)
    assert draft.status_code == 200 and draft.json["id"] is None and draft.json["goals"] == []
    assert world.as_("educator1", "PUT", path, json={"goals": goals}).status_code == 428
    saved = world.as_("educator1", "PUT", path, json={"goals": goals}, headers={"If-Match": draft.headers["ETag"]})
    assert saved.status_code == 200 and saved.json["goals"][0]["goal"] == "Пересказ сказки"
    stale = world.as_("educator1", "PUT", path, json={"goals": goals, "publish": True},
                      headers={"If-Match": draft.headers["ETag"]})
    assert stale.status_code == 412 and stale.json["current"]["id"] == saved.json["id"]
    assert not world.as_("educator1", "GET", path).json["published"]


def test_a_recommendation_is_rewritten_over_the_version_read_and_only_for_its_own_child(world):
    anna = world.children_of("guardian1")["Анна"]
    made = world.as_("educator1", "POST", f"/children/{anna}/recommendations", json={"text": "Больше рисовать."})
    assert made.status_code == 201, made.json
    path = f"/children/{anna}/recommendations/{made.json['id']}"
    read = world.as_("educator1", "GET", path)
    assert read.status_code == 200 and read.json["text"] == "Больше рисовать."
    body = {"text": "Рисовать вместе по выходным.", "card_code": "creativity"}
    assert world.as_("educator1", "PUT", path, json=body).status_code == 428
    edited = world.as_("educator1", "PUT", path, json=body, headers={"If-Match": read.headers["ETag"]})
    assert edited.status_code == 200 and edited.json["card_code"] == "creativity", edited.json
    stale = world.as_("educator1", "PUT", path, json={"text": "Старая правка."},
                      headers={"If-Match": read.headers["ETag"]})
    assert stale.status_code == 412 and stale.json["current"]["text"] == "Рисовать вместе по выходным."
    listed = world.as_("guardian1", "GET", f"/children/{anna}/recommendations").json["items"]
    assert "Рисовать вместе по выходным." in [r["text"] for r in listed]
    assert "Больше рисовать." not in [r["text"] for r in listed]
    # The guardian reads it but does not write; another child's path does not reach it.
    assert world.as_("guardian1", "GET", path).status_code == 200
    assert world.as_("guardian1", "PUT", path, json=body, headers={"If-Match": edited.headers["ETag"]}
                     ).status_code == 403
    other = _sunshine_child(world, index=2)
    assert other != anna
    assert world.as_("educator1", "GET", f"/children/{other}/recommendations/{made.json['id']}").status_code == 404
