"""The demo data: made through the use cases on top of the replicas, idempotent; what `make run`
says each login sees is there."""
from sqlalchemy import func, select

from kabinet_portfolio import models as m
from kabinet_portfolio.seed import seed


def test_seed_makes_ivans_portfolio_once(fresh_world):
    w = fresh_world
    created = seed(w.deps)
    assert created == {"activities": 9, "achievements": 8, "petitions": 2, "disputes": 1}
    ivan = w.person_of("pupil1")
    states = sorted(a["state"] for a in w.as_("pupil1", "GET", f"/pupils/{ivan}/achievements").json["items"])
    assert states == ["approved", "returned", "submitted"]
    selfie = w.as_("guardian1", "GET", f"/pupils/{ivan}/selfie").json
    assert selfie["points"] == 39.0 and selfie["places"]["class"] == 1 and len(selfie["goals"]) == 2
    assert selfie["latest_courses"][0]["title"] == "Основы программирования"
    events = len(w.outbox())
    assert seed(w.deps) == {"activities": 0, "achievements": 0, "petitions": 0, "disputes": 0}
    assert len(w.outbox()) == events and w.count(m.Achievement) == 8
    with w.session() as s:
        kept = set(s.scalars(select(m.Achievement.document_sha256).where(m.Achievement.document_sha256.is_not(None))))
        states = dict(s.execute(select(m.Achievement.state, func.count()).group_by(m.Achievement.state)).all())
    assert w.files() == kept
    assert states == {"approved": 3, "submitted": 2, "returned": 1, "deleted": 1, "draft": 1}
    # tutor1: 5А's review queue, its rating with the names of the three consented pupils, the report.
    c5a = w.group("5А")
    assert w.as_("tutor1", "GET", "/review").json["total"] == 2
    named = [r["name"] for r in w.as_("tutor1", "GET", f"/ratings/classes/{c5a}").json["items"] if "name" in r]
    assert len(named) == 3 and named[0].startswith("Петров Иван")
    assert w.as_("tutor1", "GET", f"/classes/{c5a}/report.xlsx").status_code == 200
    # school1-admin: the dispute and both petitions; the department: the petitioned one.
    assert w.as_("school1-admin", "GET", "/disputes").json["total"] == 1
    assert sorted(p["state"] for p in w.as_("school1-admin", "GET", "/petitions").json["items"]) == [
        "petitioned", "requested"]
    assert [p["state"] for p in w.as_("department", "GET", "/petitions").json["items"]] == ["petitioned"]
