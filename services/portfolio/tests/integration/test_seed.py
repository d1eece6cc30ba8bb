"""The demo data: made through the use cases on top of the replicas, idempotent."""
from kabinet_portfolio import models as m
from kabinet_portfolio.seed import seed


def test_seed_makes_ivans_portfolio_once(fresh_world):
    w = fresh_world
    created = seed(w.deps)
    assert created == {"activities": 9, "achievements": 3}
    ivan = w.person_of("pupil1")
    states = sorted(a["state"] for a in w.as_("pupil1", "GET", f"/pupils/{ivan}/achievements").json["items"])
    assert states == ["approved", "returned", "submitted"]
    selfie = w.as_("guardian1", "GET", f"/pupils/{ivan}/selfie").json
    assert selfie["points"] == 39.0 and selfie["places"]["class"] == 1 and len(selfie["goals"]) == 2
    assert selfie["latest_courses"][0]["title"] == "Основы программирования"
    events = len(w.outbox())
    assert seed(w.deps) == {"activities": 0, "achievements": 0} and len(w.outbox()) == events
    assert len(w.files()) == 3 and w.count(m.Achievement) == 3
