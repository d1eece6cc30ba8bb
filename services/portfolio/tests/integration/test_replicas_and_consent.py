"""POR-01..05: pupils enrolled in identity appear here with their class; the first-use consent
gate (seed 003 §4.3); a guardian's way in is the pupil's portfolio consent; names only under it."""
from sqlalchemy import select

from kabinet_portfolio import models as m


def test_a_pupil_enrolled_in_identity_appears_with_school_and_class(world):
    ivan = world.person_of("pupil1")
    with world.session() as s:
        pupil = s.get(m.Pupil, ivan)
        c5a = s.scalar(select(m.Group).where(m.Group.id == pupil.group_id))
        org = s.get(m.Organisation, pupil.organisation_id)
    assert (c5a.name, org.short_name) == ("5А", "Школа № 1")
    # Ivan's family consented to the portfolio in the demo city: his name is held, and only his.
    assert pupil.consent and pupil.rated
    with world.session() as s:
        names = {n.pupil_id: n.first_name for n in s.scalars(select(m.PupilName))}
    assert names == {ivan: "Иван"}


def test_the_pupil_is_refused_until_he_accepts_and_then_let_in(fresh_world):
    w = fresh_world
    maria = w.pupil_account("Мария", "pupil-maria")
    refused = w.as_("pupil-maria", "GET", f"/pupils/{maria}/selfie")
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert refused.json["type"].endswith("/consent-required") and refused.json["purpose"] == "portfolio"
    assert "согласи" in refused.json["detail"]
    assert refused.json["accept"]["href"].endswith(f"/children/{maria}/consents")
    # Nor may she create anything before.
    assert w.as_("pupil-maria", "GET", f"/pupils/{maria}/achievements").status_code == 403
    w.consent("pupil-maria", maria)
    selfie = w.as_("pupil-maria", "GET", f"/pupils/{maria}/selfie")
    assert selfie.status_code == 200, selfie.json
    assert selfie.json["first_name"] == "Мария" and selfie.json["class_name"] == "5А"


def test_a_guardian_sees_the_child_only_under_the_portfolio_consent(fresh_world):
    w = fresh_world
    olga = w.children_of("guardian2")["Ольга"]
    no_consent = w.as_("guardian2", "GET", f"/pupils/{olga}/selfie")
    assert no_consent.status_code == 403 and no_consent.json["purpose"] == "portfolio"
    w.consent("guardian2", olga)
    assert w.as_("guardian2", "GET", f"/pupils/{olga}/selfie").status_code == 200
    # Another family's child is answered like a missing one.
    ivan = w.children_of("guardian1")["Иван"]
    assert w.as_("guardian2", "GET", f"/pupils/{ivan}/selfie").status_code == 404
    assert w.as_("guardian2", "GET", "/pupils/00000000-0000-0000-0000-000000000000/selfie").status_code == 404


def test_revocation_erases_the_name_within_seconds(fresh_world):
    w = fresh_world
    ivan = w.children_of("guardian1")["Иван"]
    with w.session() as s:
        assert s.get(m.PupilName, ivan) is not None
    revoked = w.idn("guardian1", "POST", f"/children/{ivan}/consents/portfolio/revoke", json={})
    assert revoked.status_code == 200
    w.sync(timeout=5)
    with w.session() as s:
        pupil = s.get(m.Pupil, ivan)
        assert s.get(m.PupilName, ivan) is None
        assert not pupil.consent and not pupil.rated and pupil.consent_ended_at is not None
    assert w.as_("pupil1", "GET", f"/pupils/{ivan}/selfie").status_code == 403
