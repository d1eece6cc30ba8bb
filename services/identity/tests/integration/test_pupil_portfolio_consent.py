"""Seed 003 §4.3: at first use of the portfolio the pupil himself accepts the processing of his
personal data; identity records it like any consent (purpose ``portfolio``, given by the pupil,
numbered and dated by the register). Only that purpose: the diary and the preschool cabinet
stay the guardians' to consent to."""


def _pupil_account(api, login):
    groups = api.as_("school1-admin", "GET", "/groups").json["items"]
    c5a = next(g for g in groups if g["name"] == "5А")
    pupils = api.as_("tutor1", "GET", f"/groups/{c5a['group_id']}/members").json["items"]
    maria = next(p for p in pupils if p["first_name"] == "Мария")
    made = api.as_("school1-admin", "POST", "/accounts", json={
        "person_id": maria["person_id"], "login": login, "password": "kabinet-demo"})
    assert made.status_code == 201, made.json
    return maria["person_id"]


def test_pupil_gives_and_revokes_own_portfolio_consent(fresh_api):
    api = fresh_api
    maria = _pupil_account(api, "pupil-maria")
    given = api.as_("pupil-maria", "POST", f"/children/{maria}/consents", json={"purpose": "portfolio"})
    assert given.status_code == 201, given.json
    assert given.json["given_by_person_id"] == maria and given.json["registration_number"].startswith("ЭЛ-")
    assert given.json["registration_date"]
    assert api.outbox_types()[-2:] == ["identity.consent.given.v1", "identity.person.disclosed.v1"]
    # Only the portfolio: the diary is the guardian's to consent to.
    diary = api.as_("pupil-maria", "POST", f"/children/{maria}/consents", json={"purpose": "e_diary"})
    assert diary.status_code in (403, 404)
    # Not for another pupil.
    ivan = next(c for c in api.me("guardian1")["children"] if c["first_name"] == "Иван")["child_id"]
    other = api.as_("pupil-maria", "POST", f"/children/{ivan}/consents", json={"purpose": "portfolio"})
    assert other.status_code == 404
    revoked = api.as_("pupil-maria", "POST", f"/children/{maria}/consents/portfolio/revoke", json={})
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert api.outbox_types()[-1] == "identity.consent.revoked.v1"
