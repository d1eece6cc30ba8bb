"""The movement book, consent and one-time access codes."""
import json
from datetime import timedelta

from sqlalchemy import select, update

from kabinet_identity.models import OUTBOX, AccessCode
from kabinet_kit.events import utcnow


def _org(api, short):
    return next(o for o in api.as_("department", "GET", "/organisations").json["items"] if o["short_name"] == short)


def _group(api, admin, name):
    return next(g for g in api.as_(admin, "GET", "/groups").json["items"] if g["name"] == name)


def _new_child(api, admin="school1-admin", school="Школа № 1", group="5Б"):
    org = _org(api, school)
    child = api.as_(admin, "POST", "/people", json={
        "kind": "child", "organisation_id": org["organisation_id"], "last_name": "Новикова", "first_name": "Ира",
        "birth_date": "2015-05-05"}).json
    enrol = api.as_(admin, "POST", "/movements", json={
        "kind": "enrol", "child_id": child["person_id"], "group_id": _group(api, admin, group)["group_id"],
        "order_number": "120-у", "order_date": "2026-10-01"})
    assert enrol.status_code == 201, enrol.json
    return child["person_id"]


def test_enrol_transfer_withdraw_are_recorded_with_orders_and_expire_consents(fresh_api):
    api = fresh_api
    child = _new_child(api)
    guardian = api.as_("school1-admin", "POST", "/people", json={
        "kind": "guardian", "organisation_id": _org(api, "Школа № 1")["organisation_id"],
        "last_name": "Новиков", "first_name": "Пётр"}).json
    assert api.as_("school1-admin", "POST", f"/children/{child}/guardians",
                   json={"guardian_person_id": guardian["person_id"]}).status_code == 201
    consent = api.as_("school1-admin", "POST", f"/children/{child}/consents", json={
        "purpose": "e_diary", "given_by_person_id": guardian["person_id"], "registration_number": "ЭД-2026/120",
        "registration_date": "2026-10-02"})
    assert consent.status_code == 201 and consent.json["registration_number"] == "ЭД-2026/120"
    transfer = api.as_("school1-admin", "POST", "/movements", json={
        "kind": "transfer", "child_id": child, "group_id": _group(api, "school1-admin", "5А")["group_id"],
        "order_number": "121-у", "order_date": "2026-10-10"})
    assert transfer.status_code == 201 and transfer.json["from_group_id"]
    # Transfer within the school keeps consent; leaving the school ends it.
    assert api.as_("school1-admin", "GET", f"/children/{child}").json["consents"] == ["e_diary"]
    withdraw = api.as_("school1-admin", "POST", "/movements", json={
        "kind": "withdraw", "child_id": child, "order_number": "130-у", "order_date": "2026-11-01"})
    assert withdraw.status_code == 201
    history = api.as_("school1-admin", "GET", f"/children/{child}/movements").json["items"]
    assert [(m["kind"], m["order_number"]) for m in history] == [
        ("enrol", "120-у"), ("transfer", "121-у"), ("withdraw", "130-у")]
    consents = api.as_("guardian1", "GET", f"/children/{child}/consents")
    assert consents.status_code == 404  # not guardian1's child
    types = api.outbox_types()
    for t in ("identity.child.enrolled.v1", "identity.child.transferred.v1", "identity.child.withdrawn.v1",
              "identity.consent.given.v1", "identity.consent.expired.v1"):
        assert t in types


def test_guardian_gives_and_revokes_consent_online(fresh_api):
    api = fresh_api
    anna = next(c for c in api.me("guardian1")["children"] if c["first_name"] == "Анна")["child_id"]
    given = api.as_("guardian1", "POST", f"/children/{anna}/consents", json={"purpose": "preschool_cabinet"})
    assert given.status_code == 201 and given.json["registration_number"].startswith("ЭЛ-")
    # The name goes out on identity.pd only now, to services that may hold it under this consent.
    assert api.outbox_types()[-2:] == ["identity.consent.given.v1", "identity.person.disclosed.v1"]
    with api.deps.session_factory() as s:
        row = s.execute(select(OUTBOX.c.exchange, OUTBOX.c.body).order_by(OUTBOX.c.id.desc()).limit(1)).one()
    disclosed = json.loads(row.body)["data"]
    assert row.exchange == "identity.pd"
    assert (disclosed["person_id"], disclosed["first_name"], disclosed["purpose"]) == (
        anna, "Анна", "preschool_cabinet")
    twice = api.as_("guardian1", "POST", f"/children/{anna}/consents", json={"purpose": "preschool_cabinet"})
    assert twice.status_code == 409
    revoked = api.as_("guardian1", "POST", f"/children/{anna}/consents/preschool_cabinet/revoke", json={})
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert api.outbox_types()[-1] == "identity.consent.revoked.v1"
    again = api.as_("guardian1", "POST", f"/children/{anna}/consents/preschool_cabinet/revoke", json={})
    assert again.status_code == 404
    unknown = api.as_("guardian1", "POST", f"/children/{anna}/consents/marketing/revoke", json={})
    assert unknown.status_code == 422 and "purpose" in unknown.json["errors"]


def test_staff_must_register_the_paper_application(api):
    child = next(c for c in api.me("guardian1")["children"] if c["first_name"] == "Анна")["child_id"]
    missing = api.as_("kg1-admin", "POST", f"/children/{child}/consents", json={"purpose": "preschool_cabinet"})
    assert missing.status_code == 422
    assert set(missing.json["errors"]) == {"given_by_person_id", "registration_number", "registration_date"}
    other_family = api.as_("guardian2", "POST", f"/children/{child}/consents", json={"purpose": "preschool_cabinet"})
    assert other_family.status_code == 404


def test_access_code_redeemed_once_creates_a_linked_guardian_account(fresh_api):
    api = fresh_api
    child = _new_child(api)
    issued = api.as_("school1-admin", "POST", "/access-codes", json={"child_id": child, "channel": "phone"})
    assert issued.status_code == 201 and issued.json["channel"] == "phone"
    code = issued.json["code"]
    redeemed = api.client.post("/access-codes/redeem", json={
        "code": code.lower(), "login": "new-parent", "password": "parent-pass-2026", "last_name": "Новиков",
        "first_name": "Пётр"})
    assert redeemed.status_code == 201, redeemed.json
    token = api.client.post("/auth/token", json={"login": "new-parent", "password": "parent-pass-2026"}).json
    me = api.client.get("/me", headers={"Authorization": f"Bearer {token['access_token']}"}).json
    assert [c["child_id"] for c in me["children"]] == [child]
    assert [r["role"] for r in me["roles"]] == ["guardian"]
    second = api.client.post("/access-codes/redeem", json={
        "code": code, "login": "another-parent", "password": "parent-pass-2026", "last_name": "X", "first_name": "Y"})
    assert second.status_code == 410
    assert "identity.access_code.redeemed.v1" in api.outbox_types()


def test_existing_guardian_links_a_second_child_with_a_new_code(fresh_api):
    api = fresh_api
    child = _new_child(api)
    code = api.as_("school1-admin", "POST", "/access-codes", json={"child_id": child, "channel": "in_person"}).json
    linked = api.client.post("/access-codes/redeem", json={
        "code": code["code"], "login": "guardian2", "password": "kabinet-demo"})
    assert linked.status_code == 201
    assert len(api.me("guardian2")["children"]) == 2


def test_expired_and_guessed_codes_are_refused_and_guessing_is_rate_limited(api):
    child = api.me("guardian2")["children"][0]["child_id"]
    code = api.as_("school1-admin", "POST", "/access-codes", json={"child_id": child, "channel": "email"}).json
    with api.deps.session_factory.begin() as s:
        s.execute(update(AccessCode).where(AccessCode.id == code["access_code_id"])
                  .values(expires_at=utcnow() - timedelta(minutes=1)))
    headers = {"X-Forwarded-For": "203.0.113.9"}
    expired = api.client.post("/access-codes/redeem", headers=headers, json={
        "code": code["code"], "login": "late-parent", "password": "parent-pass-2026"})
    assert expired.status_code == 410
    statuses = [api.client.post("/access-codes/redeem", headers=headers, json={
        "code": f"GUES-SED{i}-XXXX", "login": "guesser", "password": "parent-pass-2026"}).status_code
        for i in range(6)]
    assert statuses[:4] == [422] * 4 and statuses[-1] == 429
    limited = api.client.post("/access-codes/redeem", headers=headers, json={
        "code": "ANY", "login": "guesser", "password": "parent-pass-2026"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    # Another client is not punished for this one's guessing.
    other = api.client.post("/access-codes/redeem", headers={"X-Forwarded-For": "198.51.100.7"}, json={
        "code": "GUES-SED0-XXXX", "login": "guesser", "password": "parent-pass-2026"})
    assert other.status_code == 422


def test_staff_of_another_school_cannot_issue_codes(api):
    child = api.me("guardian2")["children"][0]["child_id"]
    other_school = api.as_("school2-admin", "POST", "/access-codes", json={"child_id": child, "channel": "phone"})
    assert other_school.status_code == 404
    assert api.as_("tutor1", "POST", "/access-codes", json={"child_id": child, "channel": "phone"}).status_code == 404
