"""The head's register of consents (seed 000 §4.2.5): every consent of the kindergarten's
children with guardian, purpose, state and dates, from identity's consent events; the child named
only under the preschool_cabinet consent."""
from .test_consent import _new_child


def test_the_head_sees_a_consent_given_then_revoked(world):
    kg1 = world.org("Детский сад № 1")
    child, guardian = _new_child(world, last="Синицына", first="Вера")
    assert world.idn("kg1-admin", "POST", f"/children/{child}/consents", json={
        "purpose": "preschool_cabinet", "given_by_person_id": guardian, "registration_number": "ЛКД-2026/070",
        "registration_date": "2026-10-03"}).status_code == 201
    world.sync()
    listed = world.as_("kg1-admin", "GET", f"/consents?organisation_id={kg1}&child_id={child}")
    assert listed.status_code == 200, listed.json
    [row] = listed.json["items"]
    assert row["child"] == "Синицына Вера" and row["named"] and row["guardian_person_id"] == guardian
    assert (row["purpose"], row["state"], row["registration_number"], row["registration_date"]) == (
        "preschool_cabinet", "active", "ЛКД-2026/070", "2026-10-03")
    assert row["given_at"] and row["ended_at"] is None

    assert world.idn("kg1-admin", "POST", f"/children/{child}/consents/preschool_cabinet/revoke",
                     json={"reason": "заявление родителя"}).status_code == 200
    world.sync()
    [row] = world.as_("kg1-admin", "GET", f"/consents?organisation_id={kg1}&child_id={child}").json["items"]
    assert row["state"] == "revoked" and row["ended_at"] and not row["named"]
    assert row["child"].startswith("Воспитанник №")  # no name once the consent is revoked
    revoked = world.as_("kg1-admin", "GET", f"/consents?organisation_id={kg1}&state=revoked").json
    assert child in {r["child_id"] for r in revoked["items"]}


def test_the_register_is_paged_and_the_heads_only(world):
    kg1 = world.org("Детский сад № 1")
    page = world.as_("kg1-admin", "GET", f"/consents?organisation_id={kg1}&limit=2")
    assert page.status_code == 200 and len(page.json["items"]) == 2 and page.json["total"] >= 4  # the demo's
    rest = world.as_("kg1-admin", "GET", f"/consents?organisation_id={kg1}&limit=200&offset=2").json["items"]
    everything = world.as_("kg1-admin", "GET", f"/consents?organisation_id={kg1}&limit=200").json["items"]
    assert page.json["items"] + rest == everything
    for login in ("educator1", "school1-admin", "department", "guardian1"):
        assert world.as_(login, "GET", f"/consents?organisation_id={kg1}").status_code == 403, login
    assert world.as_("kg1-admin", "GET", f"/consents?organisation_id={kg1}&state=lost").status_code == 422
