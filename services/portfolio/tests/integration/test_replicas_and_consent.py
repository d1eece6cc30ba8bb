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
    # Three families of 5А consented to the portfolio in the demo city: their names are held, and
    # only theirs.
    assert pupil.consent and pupil.rated
    with world.session() as s:
        names = {n.pupil_id: n.first_name for n in s.scalars(select(m.PupilName))}
        consented = set(s.scalars(select(m.Pupil.id).where(m.Pupil.consent.is_(True))))
    assert names[ivan] == "Иван" and sorted(names.values()) == ["Дарья", "Иван", "Максим"]
    assert set(names) == consented


def test_a_child_enrolled_now_in_identity_appears_here_with_the_class(fresh_world):
    w = fresh_world
    orgs = w.idn("department", "GET", "/organisations").json["items"]
    school = next(o["organisation_id"] for o in orgs if o["short_name"] == "Школа № 1")
    child = w.idn("school1-admin", "POST", "/people", json={
        "kind": "child", "organisation_id": school, "last_name": "Новикова", "first_name": "Ира",
        "birth_date": "2015-05-05"}).json["person_id"]
    c5b, c5a = w.group("5Б"), w.group("5А")
    for kind, group, number in (("enrol", c5b, "120-у"), ("transfer", c5a, "121-у")):
        moved = w.idn("school1-admin", "POST", "/movements", json={
            "kind": kind, "child_id": child, "group_id": group, "order_number": number, "order_date": "2026-10-01"})
        assert moved.status_code == 201, moved.json
        w.sync()
        with w.session() as s:
            pupil = s.get(m.Pupil, child)
            assert (pupil.group_id, pupil.organisation_id) == (group, school)
            assert not pupil.consent and s.get(m.PupilName, child) is None  # no consent: no name
    # The tutor of 5А now reaches the new pupil; the school's administration too.
    assert w.as_("tutor1", "GET", f"/pupils/{child}/achievements").status_code == 200
    assert w.as_("school1-admin", "GET", f"/pupils/{child}/capital").status_code == 200
    withdrawn = w.idn("school1-admin", "POST", "/movements", json={
        "kind": "withdraw", "child_id": child, "order_number": "130-у", "order_date": "2026-11-01"})
    assert withdrawn.status_code == 201, withdrawn.json
    w.sync()
    with w.session() as s:
        assert s.get(m.Pupil, child).group_id is None
    assert w.as_("tutor1", "GET", f"/pupils/{child}/achievements").status_code == 404


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
