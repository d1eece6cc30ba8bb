"""The demo data of ``python -m kabinet_preschool.seed``: made from the replicas of identity's
demo city, visible to the demo users, and idempotent. A world of its own, because the seed
closes round 1 of Kindergarten No.1, which the other tests write to."""
import pytest
from sqlalchemy import func, select

from kabinet_preschool import models as m
from kabinet_preschool.seed import seed


@pytest.fixture(scope="module")
def seeded(fresh_world):
    return fresh_world, seed(fresh_world.deps)


def _totals(world):
    return {model.__tablename__: world.count(model) for model in (
        m.Round, m.Observation, m.LevelCount, m.Route, m.RouteGoal, m.Recommendation, m.Visit)} | {
        "outbox": len(world.outbox_types())}


def test_the_seed_fills_two_rounds_for_the_demo_group(seeded):
    world, first = seeded
    children = world.as_("educator1", "GET", f"/groups/{world.group('Солнышко')}/children").json["children"]
    per_child = len(world.indicators("senior"))
    assert first == {"rounds": 2, "observations": 2 * len(children) * per_child,
                     "routes": 5, "recommendations": 5}  # Анна and the four families with a consent
    rounds = world.as_("kg1-admin", "GET", f"/rounds?organisation_id={world.org('Детский сад № 1')}").json["items"]
    assert [(r["number"], r["status"]) for r in rounds] == [(1, "closed"), (2, "open")]
    stats = world.as_("educator1", "GET", f"/statistics?academic_year_id={world.year()}&round_number=2"
                                          f"&compare_round_number=1&group_id={world.group('Солнышко')}").json
    rows = [i for c in stats["cards"] for i in c["indicators"]]
    assert len(rows) == per_child and all(r["children"] == len(children) for r in rows)
    assert all(r["compare"]["children"] == len(children) for r in rows)


def test_guardian1_sees_the_route_and_the_recommendation_of_anna(seeded):
    world, _ = seeded
    anna = world.children_of("guardian1")["Анна"]
    cabinet = world.as_("guardian1", "GET", f"/children/{anna}/cabinet").json
    assert cabinet["display_name"] == "Воспитанник №1"  # no preschool_cabinet consent in the demo
    assert cabinet["routes"][0]["published"] and cabinet["routes"][0]["goals"][0]["card_code"] == "speech"
    assert any(d["from_round"] == 1 and d["to_round"] == 2 for d in cabinet["dynamics"])
    recommendations = world.as_("guardian1", "GET", f"/children/{anna}/recommendations").json["items"]
    assert [r["card_title"] for r in recommendations] == ["Речь"]


def test_a_second_run_duplicates_nothing_and_records_no_event(seeded):
    world, _ = seeded
    before = _totals(world)
    assert seed(world.deps) == {"rounds": 0, "observations": 0, "routes": 0, "recommendations": 0}
    assert _totals(world) == before
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(m.Round).where(m.Round.status == "closed")) == 1
