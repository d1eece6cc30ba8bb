"""Issue 11, Low: identity stores the response of every create for Idempotency-Key replays; an
access code (and any person's data) must not lie in that table in clear, yet a client that lost
the response gets its code back by retrying."""
from datetime import timedelta

from sqlalchemy import select, update

from kabinet_identity.models import IDEMPOTENCY
from kabinet_kit.events import utcnow


def _stored_bodies(api) -> list[str]:
    with api.deps.session_factory() as s:
        return list(s.scalars(select(IDEMPOTENCY.c.body)))


def _olga(api):
    return next(c for c in api.me("guardian2")["children"] if c["first_name"] == "Ольга")["child_id"]


def test_a_replayed_access_code_is_the_same_and_not_stored_in_clear(api):
    request = {"child_id": _olga(api), "channel": "phone"}
    headers = {"Idempotency-Key": "code-for-olga-1"}
    first = api.as_("school1-admin", "POST", "/access-codes", json=request, headers=headers)
    assert first.status_code == 201, first.json
    code = first.json["code"]
    stored = _stored_bodies(api)
    assert stored and not any(code in body or code.replace("-", "") in body for body in stored)
    # The client lost the response and retries: it gets the same code, and no second one is issued.
    replay = api.as_("school1-admin", "POST", "/access-codes", json=request, headers=headers)
    assert replay.status_code == 201, replay.json
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json == first.json
    # The replayed code is the live one.
    redeemed = api.client.post("/access-codes/redeem", json={
        "code": code, "login": "olga-mother-2", "password": "Str0ng-pass-word", "last_name": "Смирнова",
        "first_name": "Елена"})
    assert redeemed.status_code == 201, redeemed.json


def test_a_registered_persons_data_is_not_stored_in_clear_for_replays(api):
    school1 = next(o for o in api.as_("department", "GET", "/organisations").json["items"]
                   if o["short_name"] == "Школа № 1")["organisation_id"]
    person = {"kind": "guardian", "organisation_id": school1, "last_name": "Незабудкина", "first_name": "Ярослава",
              "phone": "+7 900 123-45-67"}
    headers = {"Idempotency-Key": "guardian-nezabudkina"}
    first = api.as_("school1-admin", "POST", "/people", json=person, headers=headers)
    assert first.status_code == 201, first.json
    assert not any("Незабудкина" in body or "123-45-67" in body for body in _stored_bodies(api))
    replay = api.as_("school1-admin", "POST", "/people", json=person, headers=headers)
    assert (replay.status_code, replay.json) == (201, first.json)


def test_a_key_is_replayed_for_a_day_only(api):
    request = {"child_id": _olga(api), "channel": "in_person"}
    headers = {"Idempotency-Key": "code-for-olga-2"}
    first = api.as_("school1-admin", "POST", "/access-codes", json=request, headers=headers)
    assert first.status_code == 201, first.json
    with api.deps.session_factory.begin() as s:
        s.execute(update(IDEMPOTENCY).where(IDEMPOTENCY.c.key == "code-for-olga-2")
                  .values(created_at=utcnow() - timedelta(hours=25)))
    later = api.as_("school1-admin", "POST", "/access-codes", json=request, headers=headers)
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert later.json["access_code_id"] != first.json["access_code_id"]
