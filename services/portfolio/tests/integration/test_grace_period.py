"""POR-05: after the consent is revoked the name goes at once; achievements and documents stay
for the department's grace period (default 30 days) and then go — read from the database and
the file store — unless the consent is given again."""
import hashlib
from datetime import timedelta

from kabinet_kit.events import utcnow
from kabinet_portfolio import models as m
from kabinet_portfolio.jobs import purge

from .conftest import pdf_bytes


def test_revoked_portfolio_is_kept_for_the_grace_period_then_deleted(fresh_world):
    w = fresh_world
    ivan = w.person_of("pupil1")
    activity = w.activity("Фестиваль науки")
    pdf = pdf_bytes("science festival")
    a = w.upload("pupil1", ivan, activity, pdf, date="2026-03-05", submit=True).json
    w.as_("tutor1", "POST", f"/achievements/{a['id']}/approve", json={})
    w.as_("pupil1", "PUT", f"/pupils/{ivan}/goals", json={"goals": [{"text": "Стать призёром", "achieved": False}]})
    sha = hashlib.sha256(pdf).hexdigest()
    assert w.as_("department", "GET", "/settings").json["grace_days"] == 30
    assert w.idn("guardian1", "POST", f"/children/{ivan}/consents/portfolio/revoke", json={}).status_code == 200
    w.sync(timeout=5)
    with w.session() as s:
        assert s.get(m.PupilName, ivan) is None
    # Within the grace period: kept.
    assert purge(w.deps, now=utcnow() + timedelta(days=29))["pupils"] == 0
    assert w.count(m.Achievement, m.Achievement.pupil_id == ivan) == 1 and sha in w.files()
    # After it: gone from the database and the store.
    done = purge(w.deps, now=utcnow() + timedelta(days=31))
    assert done["pupils"] == 1 and done["files"] == 1
    assert w.count(m.Achievement, m.Achievement.pupil_id == ivan) == 0
    assert w.count(m.Goal, m.Goal.pupil_id == ivan) == 0
    assert sha not in w.files()


def test_consent_given_again_within_the_grace_period_keeps_everything(fresh_world):
    w = fresh_world
    maria = w.pupil_account("Мария", "pupil-maria")
    w.consent("pupil-maria", maria)
    activity = w.activity("Конкурс сочинений", category="intellect", subsection="philology")
    w.upload("pupil-maria", maria, activity, pdf_bytes("essay"), date="2026-03-06")
    assert w.as_("department", "PATCH", "/settings", json={"grace_days": 10}).status_code == 200
    w.idn("pupil-maria", "POST", f"/children/{maria}/consents/portfolio/revoke", json={})
    w.sync()
    w.consent("pupil-maria", maria)
    assert purge(w.deps, now=utcnow() + timedelta(days=11))["pupils"] == 0
    assert w.count(m.Achievement, m.Achievement.pupil_id == maria) == 1
