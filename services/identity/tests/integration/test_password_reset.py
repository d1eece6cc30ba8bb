"""An administrator resets a forgotten password (issue 12): a temporary password shown once,
changed at the next login; every session of the account ends; audited."""
import uuid

import jwt

from kabinet_identity.models import OUTBOX


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_reset_ends_every_session_and_the_temporary_password_only_sets_a_new_one(fresh_api):
    old = fresh_api.login("teacher1").json
    teacher = fresh_api.client.get("/me", headers=_bearer(old["access_token"])).json
    reset = fresh_api.ok("school1-admin", "POST", f"/accounts/{teacher['account_id']}/password-reset", 201)
    assert reset["login"] == "teacher1" and reset["password_change_required"] is True
    temporary = reset["temporary_password"]
    # The old sessions end at once, here and (by the event) at the gateway.
    assert fresh_api.client.get("/me", headers=_bearer(old["access_token"])).status_code == 401
    assert fresh_api.client.post("/auth/refresh", json={"refresh_token": old["refresh_token"]}).status_code == 401
    assert fresh_api.outbox(OUTBOX)[-1][0] == "identity.account.password_changed.v1"
    assert fresh_api.login("teacher1").status_code == 401
    tokens = fresh_api.login("teacher1", temporary).json
    assert tokens["password_change_required"] is True
    assert jwt.decode(tokens["access_token"], options={"verify_signature": False})["roles"] == []
    auth = _bearer(tokens["access_token"])
    assert fresh_api.client.get("/groups", headers=auth).status_code == 403
    assert fresh_api.client.get("/me", headers=auth).json["password_change_required"] is True
    changed = fresh_api.client.post("/auth/password", headers=auth,
                                    json={"current_password": temporary, "new_password": "my-own-passphrase-9"})
    assert changed.status_code == 204
    fresh = fresh_api.login("teacher1", "my-own-passphrase-9").json
    assert fresh["password_change_required"] is False
    assert fresh_api.client.get("/groups", headers=_bearer(fresh["access_token"])).status_code == 200
    records = fresh_api.audit(action="reset_password", person_id=teacher["person_id"])
    assert len(records) == 1 and records[0].outcome == "allowed"
    assert records[0].actor_account_id == fresh_api.me("school1-admin")["account_id"]


def test_a_retried_reset_replays_the_same_temporary_password(fresh_api):
    tutor = fresh_api.me("tutor1")["account_id"]
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = fresh_api.as_("school1-admin", "POST", f"/accounts/{tutor}/password-reset", headers=key)
    again = fresh_api.as_("school1-admin", "POST", f"/accounts/{tutor}/password-reset", headers=key)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json["temporary_password"] == first.json["temporary_password"]
    assert fresh_api.login("tutor1", first.json["temporary_password"]).status_code == 200


def test_only_the_institutions_administrator_or_the_department_for_staff_resets(fresh_api):
    teacher = fresh_api.me("teacher1")["account_id"]
    guardian = fresh_api.me("guardian1")["account_id"]
    for login in ("school2-admin", "tutor1", "deputy1", "guardian1"):
        fresh_api.problem(login, "POST", f"/accounts/{teacher}/password-reset", 404)
    fresh_api.problem("school1-admin", "POST", f"/accounts/{uuid.uuid4()}/password-reset", 404)
    # The department resets staff, never a family's account (it would sign in as the family).
    fresh_api.problem("department", "POST", f"/accounts/{guardian}/password-reset", 404)
    assert fresh_api.login("guardian1").status_code == 200
    assert fresh_api.as_("department", "POST", f"/accounts/{teacher}/password-reset").status_code == 201
    assert fresh_api.audit(action="reset_password", outcome="denied")
    own = fresh_api.me("school1-admin")["account_id"]
    fresh_api.problem("school1-admin", "POST", f"/accounts/{own}/password-reset", 409)
