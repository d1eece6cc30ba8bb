"""Issue 11, Low: no API erased a person. Erasure (IDN-08) removes the person's data from every
table of identity (and, once the relay has published, from the outbox), ends the account and the
guardian links, is audited and announced; only the department, or the administrator of the one
institution the person's records are in, may do it, and not while the law keeps the records."""
from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import String, Text, func, select

from kabinet_identity.bootstrap import create_app, create_relay
from kabinet_identity.config import SERVICE_DIR, Settings
from kabinet_identity.models import IDEMPOTENCY, Account, Base, Guardianship, Person
from kabinet_identity.seed import seed
from kabinet_kit.service import app_deps
from kabinet_kit.testing import migrated_database, service_amqp_url

from .conftest import FAST_HASHING, Api

BASIS = {"basis": "Заявление № 17 от 02.10.2026"}
NEEDLES = ("Незабудкина", "Ярослава", "Всеволодовна", "765-43-21", "nezabudkina", "1990-01-02")


def _org(api, short):
    return next(o["organisation_id"] for o in api.as_("department", "GET", "/organisations").json["items"]
                if o["short_name"] == short)


def _child(api, guardian_login, first_name):
    return next(c for c in api.me(guardian_login)["children"] if c["first_name"] == first_name)["child_id"]


def _guardian_with_account(api, headers=None) -> dict:
    """A guardian of School No. 1 with a login, linked to Olga: every kind of personal data identity keeps."""
    person = api.as_("school1-admin", "POST", "/people", headers=headers or {}, json={
        "kind": "guardian", "organisation_id": _org(api, "Школа № 1"), "last_name": "Незабудкина",
        "first_name": "Ярослава", "middle_name": "Всеволодовна", "birth_date": "1990-01-02",
        "email": "y.nezabudkina@mail.example", "phone": "+7 900 765-43-21"})
    assert person.status_code == 201, person.json
    person_id = person.json["person_id"]
    linked = api.as_("school1-admin", "POST", f"/children/{_child(api, 'guardian2', 'Ольга')}/guardians",
                     json={"guardian_person_id": person_id})
    assert linked.status_code == 201, linked.json
    account = api.as_("school1-admin", "POST", "/accounts", json={
        "person_id": person_id, "login": "nezabudkina", "password": "Str0ng-pass-word"})
    assert account.status_code == 201, account.json
    assert api.login("nezabudkina", "Str0ng-pass-word").status_code == 200
    return {"person_id": person_id, "account_id": account.json["account_id"]}


def _holders(api, needles=NEEDLES) -> list[str]:
    """Every table.column of identity whose text holds one of the needles."""
    found = []
    with api.deps.session_factory() as s:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String | Text):
                    continue
                for needle in needles:
                    if s.scalar(select(func.count()).select_from(table).where(
                            column.contains(needle, autoescape=True))):
                        found.append(f"{table.name}.{column.name}: {needle}")
    return found


def _drain(api) -> None:
    relay = create_relay(Settings(database_url=api.deps.settings.database_url,
                                  relay_amqp_url=service_amqp_url("identity", "relay")))
    try:
        relay.drain()
    finally:
        relay.close()


def test_erasure_leaves_no_personal_data_in_identity(fresh_api):
    api = fresh_api
    guardian = _guardian_with_account(api, headers={"Idempotency-Key": "register-nezabudkina"})
    assert _holders(api)  # the check finds what is there
    outbox_before = api.outbox_count()

    erased = api.as_("school1-admin", "POST", f"/people/{guardian['person_id']}/erasure", json=BASIS)
    assert erased.status_code == 200, erased.json
    assert erased.json["person_id"] == guardian["person_id"] and erased.json["erased_at"]
    assert erased.json["erasure_basis"] == BASIS["basis"]

    # The account is over: no login by the old name, no session.
    assert api.login("nezabudkina", "Str0ng-pass-word").status_code == 401
    with api.deps.session_factory() as s:
        account = s.get(Account, guardian["account_id"])
        assert not account.is_active and account.login == f"erased-{account.id}"
        assert not s.scalars(select(Guardianship).where(
            Guardianship.guardian_person_id == guardian["person_id"])).all()
        person = s.get(Person, guardian["person_id"])
        assert (person.birth_date, person.email, person.phone, person.middle_name) == (None, None, None, None)
        # The replayable response that showed her data is gone with it.
        assert not s.scalar(select(func.count()).select_from(IDEMPOTENCY)
                            .where(IDEMPOTENCY.c.key == "register-nezabudkina"))
    # Announced: the erasure, the end of the account and of the link, in the same transaction.
    new = [t for t, _ in api.outbox(api.deps.events.outbox)][outbox_before:]
    assert {"identity.person.erased.v1", "identity.account.deactivated.v1", "identity.role.revoked.v1",
            "identity.guardianship.removed.v1"} <= set(new)
    assert [d for t, d in api.outbox(api.deps.events.outbox, "identity.person.erased")] == [
        {"person_id": guardian["person_id"]}]
    admin = api.me("school1-admin")["account_id"]
    assert api.audit(actor_account_id=admin, action="erase_person", person_id=guardian["person_id"],
                     outcome="allowed")

    # Only the outbox still holds her registration, until the broker has it.
    assert [h for h in _holders(api) if not h.startswith("outbox_events.")] == []
    assert _holders(api)
    _drain(api)
    assert _holders(api) == []

    # Erasing again changes nothing.
    again = api.as_("school1-admin", "POST", f"/people/{guardian['person_id']}/erasure", json=BASIS)
    assert (again.status_code, again.json["erased_at"]) == (200, erased.json["erased_at"])
    assert len([t for t, _ in api.outbox(api.deps.events.outbox, "identity.person.erased")]) == 1


def test_who_may_erase(api):
    school1, school2 = _org(api, "Школа № 1"), _org(api, "Гимназия № 2")
    staff = api.as_("school1-admin", "POST", "/people", json={
        "kind": "staff", "organisation_id": school1, "last_name": "Ушедший", "first_name": "Пётр"}).json["person_id"]
    account = api.as_("school1-admin", "POST", "/accounts", json={
        "person_id": staff, "login": "ushedshiy", "password": "Str0ng-pass-word",
        "roles": [{"role": "teacher", "organisation_id": school1}]}).json["account_id"]
    path = f"/people/{staff}/erasure"
    # Another institution's administrator, a teacher, a guardian: as if there were no such person.
    for login in ("school2-admin", "teacher1", "guardian1"):
        assert api.problem(login, "POST", path, 404, json=BASIS)
    assert api.problem("department", "POST", f"/people/{uuid.uuid4()}/erasure", 404, json=BASIS)
    # The basis is required.
    assert "basis" in api.problem("school1-admin", "POST", path, 422, json={})["errors"]
    # He also taught at the gymnasium: his records are in two institutions, the department's to erase.
    assert api.as_("department", "POST", f"/accounts/{account}/roles",
                   json={"role": "teacher", "organisation_id": school2}).status_code == 201
    assert api.problem("school1-admin", "POST", path, 403, json=BASIS)
    assert api.login("ushedshiy", "Str0ng-pass-word").status_code == 200  # nothing changed
    assert api.as_("department", "POST", path, json=BASIS).status_code == 200
    assert api.login("ushedshiy", "Str0ng-pass-word").status_code == 401
    # No one erases himself.
    me = api.me("school1-admin")["person_id"]
    assert api.problem("school1-admin", "POST", f"/people/{me}/erasure", 409, json=BASIS)


def test_a_pupils_records_are_kept_while_he_learns_and_for_the_retention_period(api):
    ivan = _child(api, "guardian1", "Иван")
    refused = api.problem("department", "POST", f"/people/{ivan}/erasure", 409, json=BASIS)
    assert "withdrawal" in refused["detail"]
    child = _enrolled_child(api, "Выбывший")
    withdrawn = api.as_("school1-admin", "POST", "/movements", json={
        "kind": "withdraw", "child_id": child, "order_number": "12-в", "order_date": "2026-10-05"})
    assert withdrawn.status_code == 201, withdrawn.json
    refused = api.problem("school1-admin", "POST", f"/people/{child}/erasure", 409, json=BASIS)
    assert "kept until" in refused["detail"]
    assert api.as_("school1-admin", "GET", f"/children/{child}/movements").status_code == 200
    # A child registered by mistake and never enrolled has no records to keep.
    never = api.as_("school1-admin", "POST", "/people", json={
        "kind": "child", "organisation_id": _org(api, "Школа № 1"), "last_name": "Ошибочный",
        "first_name": "Дубль"}).json["person_id"]
    assert api.as_("school1-admin", "POST", f"/people/{never}/erasure", json=BASIS).status_code == 200
    assert api.problem("school1-admin", "GET", f"/children/{never}", 404)


def _enrolled_child(api, last, admin="school1-admin", school="Школа № 1", group="5А"):
    child = api.as_(admin, "POST", "/people", json={
        "kind": "child", "organisation_id": _org(api, school), "last_name": last, "first_name": "Тест",
        "birth_date": "2015-05-05"}).json["person_id"]
    group_id = next(g["group_id"] for g in api.as_(admin, "GET", "/groups").json["items"] if g["name"] == group)
    enrolled = api.as_(admin, "POST", "/movements", json={
        "kind": "enrol", "child_id": child, "group_id": group_id, "order_number": "11-у",
        "order_date": "2026-09-10"})
    assert enrolled.status_code == 201, enrolled.json
    return child


@pytest.fixture()
def no_retention_api() -> Iterator[Api]:
    """Identity configured to keep a pupil's records no longer than he learns."""
    with migrated_database(SERVICE_DIR, "identity") as url:
        app = create_app({"database_url": url, **FAST_HASHING, "pupil_records_retention_years": 0})
        seed(app_deps(app))
        yield Api(app)
        app_deps(app).session_factory.kw["bind"].dispose()


def test_a_child_who_left_is_erased_with_his_guardian_links_and_codes(no_retention_api):
    api = no_retention_api
    child = _enrolled_child(api, "Ушедшая")
    guardian = api.me("guardian2")["person_id"]
    assert api.as_("school1-admin", "POST", f"/children/{child}/guardians",
                   json={"guardian_person_id": guardian}).status_code == 201
    code = api.as_("school1-admin", "POST", "/access-codes", json={"child_id": child, "channel": "phone"}).json
    assert api.as_("school1-admin", "POST", "/movements", json={
        "kind": "withdraw", "child_id": child, "order_number": "13-в", "order_date": "2026-10-06"}).status_code == 201
    # The department erases; the school could too (all her records are its own).
    assert api.as_("department", "POST", f"/people/{child}/erasure", json=BASIS).status_code == 200
    assert child not in [c["child_id"] for c in api.me("guardian2")["children"]]
    assert api.problem("school1-admin", "GET", f"/children/{child}", 404)
    group_5a = next(g["group_id"] for g in api.as_("school1-admin", "GET", "/groups").json["items"]
                    if g["name"] == "5А")
    refused = api.problem("school1-admin", "POST", "/movements", 422, json={
        "kind": "enrol", "child_id": child, "group_id": group_5a, "order_number": "14-у", "order_date": "2026-10-07"})
    assert "child_id" in refused["errors"]  # as unknown as any id never registered
    redeemed = api.client.post("/access-codes/redeem", json={
        "code": code["code"], "login": "late-parent", "password": "Str0ng-pass-word", "last_name": "Поздний",
        "first_name": "Родитель"})
    assert redeemed.status_code == 410, redeemed.json
    assert _holders(api, ("Ушедшая",)) == ["outbox_events.body: Ушедшая"]
