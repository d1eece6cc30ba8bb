"""The route and recommendations written by the educator reach the guardian's view; each
visit is an event without personal data."""
import json

from sqlalchemy import select

from kabinet_preschool import models as m


def test_route_and_recommendations_reach_the_guardian(world, rounds):
    anna = world.children_of("guardian1")["Анна"]
    draft = world.save("educator1", "PUT", f"/children/{anna}/routes/{rounds[1]}", json={"goals": [
        {"card_code": "speech", "goal": "Составлять рассказ по картинке из 4–5 предложений",
         "activities": "Игры «Что сначала, что потом», чтение сказок с пересказом", "review_on": "2027-01-20"},
        {"card_code": "sport", "goal": "Прыжки через скакалку", "activities": "Подвижные игры на прогулке",
         "review_on": "2027-01-20"}]})
    assert draft.status_code == 200, draft.json
    assert world.as_("guardian1", "GET", f"/children/{anna}/cabinet").json["routes"] == []
    published = world.save("educator1", "PUT", f"/children/{anna}/routes/{rounds[1]}", json={"publish": True, "goals": [
        {"card_code": "speech", "goal": "Составлять рассказ по картинке из 4–5 предложений",
         "activities": "Игры «Что сначала, что потом»", "review_on": "2027-01-20"}]})
    assert published.status_code == 200 and published.json["published"]
    rec = world.as_("educator1", "POST", f"/children/{anna}/recommendations", json={
        "card_code": "speech", "text": "Читайте вместе 15 минут в день и просите пересказать прочитанное."})
    assert rec.status_code == 201, rec.json

    view = world.as_("guardian1", "GET", f"/children/{anna}/cabinet")
    assert view.status_code == 200
    assert view.json["display_name"] == "Воспитанник №1" and view.json["group"]["name"] == "Солнышко"
    assert [g["goal"] for g in view.json["routes"][0]["goals"]] == ["Составлять рассказ по картинке из 4–5 предложений"]
    assert view.json["recommendations"][0]["text"].startswith("Читайте вместе")
    listed = world.as_("guardian1", "GET", f"/children/{anna}/recommendations")
    assert listed.status_code == 200 and listed.json["items"][0]["card_title"] == "Речь"
    assert world.as_("guardian1", "GET", f"/children/{anna}/routes").json["items"][0]["published"]


def test_route_input_is_checked(world, rounds):
    anna = world.children_of("guardian1")["Анна"]
    bad = world.save("educator1", "PUT", f"/children/{anna}/routes/{rounds[1]}", json={"goals": [
        {"card_code": "chess", "goal": "x", "activities": "y", "review_on": "2027-01-20"}]})
    assert bad.status_code == 422 and "goals.0.card_code" in bad.json["errors"]
    missing = world.save("educator1", "PUT", f"/children/{anna}/routes/{rounds[1]}", json={"goals": [{"goal": "x"}]})
    assert missing.status_code == 422 and missing.mimetype == "application/problem+json"
    assert world.as_("guardian1", "POST", f"/children/{anna}/recommendations", json={"text": "x"}).status_code == 403


def test_each_guardian_visit_is_an_event_without_personal_data(world):
    anna = world.children_of("guardian1")["Анна"]
    with world.session() as s:
        before = len(list(s.scalars(select(m.Visit.id))))
    assert world.as_("guardian1", "GET", f"/children/{anna}/cabinet").status_code == 200
    assert world.as_("educator1", "GET", f"/children/{anna}/cabinet").status_code == 200  # staff: not a visit
    with world.session() as s:
        assert len(list(s.scalars(select(m.Visit.id)))) == before + 1
        body = json.loads(s.scalar(select(m.OUTBOX.c.body).where(
            m.OUTBOX.c.event_type == "preschool.cabinet.viewed.v1").order_by(m.OUTBOX.c.id.desc()).limit(1)))
    assert body["data"]["child_id"] == anna and body["data"]["viewer"] == "guardian"
    assert set(body["data"]) == {"visit_id", "child_id", "organisation_id", "group_id", "viewer"}


def test_a_retried_recommendation_with_the_same_idempotency_key_is_published_once(world):
    anna = world.children_of("guardian1")["Анна"]
    with world.session() as s:
        before = len(list(s.scalars(select(m.Recommendation.id).where(m.Recommendation.child_id == anna))))
    body = {"card_code": "sport", "text": "Гуляйте вместе не меньше часа в день."}
    first = world.as_("educator1", "POST", f"/children/{anna}/recommendations", json=body,
                      headers={"Idempotency-Key": "rec-retry-1"})
    again = world.as_("educator1", "POST", f"/children/{anna}/recommendations", json=body,
                      headers={"Idempotency-Key": "rec-retry-1"})
    assert first.status_code == again.status_code == 201 and again.json["id"] == first.json["id"]
    with world.session() as s:
        assert len(list(s.scalars(select(m.Recommendation.id).where(m.Recommendation.child_id == anna)))) == before + 1
