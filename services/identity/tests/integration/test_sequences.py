"""Every event about one consent (a child × purpose) or one role assignment carries that
entity's sequence, increasing with each change, so replicas can drop a late older one
(issue 11, finding 6)."""
import threading
import time

from kabinet_identity.models import OUTBOX, Account
from kabinet_kit.db import increment


def _sequences(api, prefix: str, **match) -> list[tuple[str, object]]:
    return [(type_.split(".")[2], data.get("sequence")) for type_, data in api.outbox(OUTBOX, prefix)
            if all(data.get(k) == v for k, v in match.items())]


def test_successive_changes_of_one_consent_carry_increasing_sequences(api):
    """issue 11, finding 6: given, revoked and given again for Anna's preschool_cabinet purpose."""
    anna = next(c for c in api.me("guardian1")["children"] if c["first_name"] == "Анна")["child_id"]
    path = f"/children/{anna}/consents"
    assert api.as_("guardian1", "POST", path, json={"purpose": "preschool_cabinet"}).status_code == 201
    assert api.as_("guardian1", "POST", f"{path}/preschool_cabinet/revoke", json={}).status_code == 200
    assert api.as_("guardian1", "POST", path, json={"purpose": "preschool_cabinet"}).status_code == 201
    assert _sequences(api, "identity.consent.", child_id=anna, purpose="preschool_cabinet") == [
        ("given", 1), ("revoked", 2), ("given", 3)]
    # The disclosure sent with each consent carries that consent's place in the order.
    disclosed = [data.get("consent_sequence") for _, data in api.outbox(OUTBOX, "identity.person.disclosed.")
                 if data["person_id"] == anna]
    assert disclosed == [1, 3]


def test_assigning_and_revoking_a_role_carry_increasing_sequences(api):
    """issue 11, finding 6: role.assigned then role.revoked of one assignment."""
    school1 = next(o for o in api.as_("department", "GET", "/organisations").json["items"]
                   if o["short_name"] == "Школа № 1")["organisation_id"]
    person = api.as_("school1-admin", "POST", "/people", json={
        "kind": "staff", "organisation_id": school1, "last_name": "Сменов", "first_name": "Пётр"}).json["person_id"]
    account = api.as_("school1-admin", "POST", "/accounts", json={
        "person_id": person, "login": "seq-teacher", "password": "seq-teacher-pass-1",
        "roles": [{"role": "teacher", "organisation_id": school1}]}).json
    assignment = account["roles"][0]["assignment_id"]
    assert api.as_("school1-admin", "POST",
                   f"/accounts/{account['account_id']}/roles/{assignment}/revoke").status_code == 204
    assert _sequences(api, "identity.role.", assignment_id=assignment) == [("assigned", 1), ("revoked", 2)]


def _org(api, short: str) -> str:
    return next(o for o in api.as_("department", "GET", "/organisations").json["items"]
                if o["short_name"] == short)["organisation_id"]


def _group(api, admin: str, name: str) -> str:
    return next(g for g in api.as_(admin, "GET", "/groups").json["items"] if g["name"] == name)["group_id"]


def test_an_account_carries_one_order_through_creation_first_login_lockout_and_deactivation(api):
    """issue 11, finding 6: account.created 1, activated 2, locked 3, deactivated 4."""
    school1 = _org(api, "Школа № 1")
    person = api.as_("school1-admin", "POST", "/people", json={
        "kind": "staff", "organisation_id": school1, "last_name": "Порядкова", "first_name": "Анна"}).json["person_id"]
    account = api.as_("school1-admin", "POST", "/accounts", json={
        "person_id": person, "login": "seq-account", "password": "seq-account-pass-1",
        "roles": [{"role": "teacher", "organisation_id": school1}]}).json["account_id"]
    assert api.login("seq-account", "seq-account-pass-1").status_code == 200
    for _ in range(5):
        assert api.login("seq-account", "wrong-password-1").status_code == 401
    assert api.as_("school1-admin", "POST", f"/accounts/{account}/deactivate",
                   json={"reason": "employment ended"}).status_code == 200
    assert _sequences(api, "identity.account.", account_id=account) == [
        ("created", 1), ("activated", 2), ("locked", 3), ("deactivated", 4)]
    # The person record carries the person's own order.
    assert [data.get("sequence") for _, data in api.outbox(OUTBOX, "identity.person.registered.")
            if data["person_id"] == person] == [1]


def test_a_guardian_link_and_a_childs_movements_carry_their_order(api):
    """issue 11, finding 6: guardianship.created 1 and removed 2 (a new link starts again at 1);
    the movement book numbers a child's entries 1, 2, 3, … (enrolled, transferred, withdrawn)."""
    school1 = _org(api, "Школа № 1")
    child = api.as_("school1-admin", "POST", "/people", json={
        "kind": "child", "organisation_id": school1, "last_name": "Порядков", "first_name": "Илья",
        "birth_date": "2015-03-03"}).json["person_id"]
    guardian = api.as_("school1-admin", "POST", "/people", json={
        "kind": "guardian", "organisation_id": school1, "last_name": "Порядкова", "first_name": "Ольга"}).json
    for kind, group, number in (("enrol", "5Б", "201-у"), ("transfer", "5А", "202-у")):
        response = api.as_("school1-admin", "POST", "/movements", json={
            "kind": kind, "child_id": child, "group_id": _group(api, "school1-admin", group),
            "order_number": number, "order_date": "2026-10-01"})
        assert response.status_code == 201, response.json
    path = f"/children/{child}/guardians"
    for _ in range(2):
        linked = api.as_("school1-admin", "POST", path, json={"guardian_person_id": guardian["person_id"]})
        assert linked.status_code == 201, linked.json
        assert api.as_("school1-admin", "DELETE", f"{path}/{guardian['person_id']}").status_code == 204
    assert api.as_("school1-admin", "POST", "/movements", json={
        "kind": "withdraw", "child_id": child, "order_number": "203-у", "order_date": "2026-11-01"}).status_code == 201
    assert _sequences(api, "identity.guardianship.", child_id=child) == [
        ("created", 1), ("removed", 2), ("created", 1), ("removed", 2)]
    assert _sequences(api, "identity.child.", child_id=child) == [
        ("enrolled", 1), ("transferred", 2), ("withdrawn", 3)]


def test_two_changes_of_one_account_at_once_take_distinct_numbers(api):
    """issue 11, finding 6: the number is added to in the database, not in Python, so two
    transactions changing one account at once (a lockout while an administrator deactivates it)
    never carry the same sequence, which a replica would take for one change."""
    account_id = api.me("teacher2")["account_id"]
    factory = api.deps.session_factory
    first = factory()
    first.begin()
    number = increment(first, first.get(Account, account_id))
    got: dict[str, int] = {}

    def second() -> None:
        with factory.begin() as s:
            got["number"] = increment(s, s.get(Account, account_id))

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)  # the second waits for the first's row (or, on SQLite, write) lock
    first.commit()
    first.close()
    thread.join(10)
    assert got["number"] == number + 1
