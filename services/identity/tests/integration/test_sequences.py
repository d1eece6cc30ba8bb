"""Every event about one consent (a child × purpose) or one role assignment carries that
entity's sequence, increasing with each change, so replicas can drop a late older one
(issue 11, finding 6)."""
from kabinet_identity.models import OUTBOX


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
