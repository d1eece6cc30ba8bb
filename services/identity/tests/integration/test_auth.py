"""Login, tokens, sessions, lockout, logout, password change, deactivation."""

from datetime import datetime, timedelta

import jwt

from kabinet_identity import auth as auth_use_cases
from kabinet_identity.credentials import access_claims
from kabinet_identity.models import OUTBOX
from kabinet_kit.events import utcnow

GENERIC = "Login or password is incorrect, or the account is temporarily locked."


def test_login_returns_tokens_and_me_shows_roles_and_scopes(api):
    response = api.login("tutor1")
    assert response.status_code == 200
    body = response.json
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900 and body["refresh_token"]
    me = api.as_("tutor1", "GET", "/me").json
    assert me["login"] == "tutor1" and me["kind"] == "staff"
    roles = {r["role"]: r for r in me["roles"]}
    assert set(roles) == {"teacher", "tutor"}
    assert roles["tutor"]["group_id"] is not None and roles["tutor"]["organisation_id"] is not None


def test_guardian_me_lists_both_children_with_ids(api):
    me = api.me("guardian1")
    names = sorted((c["last_name"], c["first_name"]) for c in me["children"])
    assert names == [("Петров", "Иван"), ("Петрова", "Анна")]
    assert all(c["child_id"] and c["group_id"] for c in me["children"])
    # Their names are personal data: each read is audited.
    for child in me["children"]:
        assert api.audit(person_id=child["child_id"], resource="me", actor_account_id=me["account_id"])


def test_wrong_password_and_unknown_login_look_the_same(api):
    wrong = api.login("teacher1", "not-the-password")
    unknown = api.login("nobody-here", "whatever")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.content_type == "application/problem+json"
    assert wrong.json["detail"] == unknown.json["detail"] == GENERIC


def test_lockout_after_repeated_failures_refuses_even_the_right_password(fresh_api):
    for _ in range(3):
        assert fresh_api.login("teacher2", "wrong-password-1").status_code == 401
    refused = fresh_api.login("teacher2")
    assert refused.status_code == 401 and refused.json["detail"] == GENERIC
    assert "identity.account.locked.v1" in fresh_api.outbox_types()
    # Other accounts are not affected.
    assert fresh_api.login("teacher1").status_code == 200


def test_first_login_activates_the_account_once(fresh_api):
    fresh_api.login("guardian2")
    fresh_api.login("guardian2")
    assert fresh_api.outbox_types().count("identity.account.activated.v1") == 1




def test_expired_tampered_and_alg_none_tokens_are_refused(api):
    me = api.me("teacher1")
    keys = api.deps.keys
    past = utcnow() - timedelta(hours=2)
    settings = api.deps.settings
    expired = keys.sign(access_claims(account_id=me["account_id"], person_id=me["person_id"], person_kind="staff",
                                      session_id="00000000-0000-0000-0000-000000000000", roles=[], ttl=60,
                                      issuer=settings.token_issuer, audience=settings.token_audience, now=past))
    good = api.token("teacher1")
    head, payload, signature = good.split(".")
    tampered_payload = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(payload).replace(b'"teacher"', b'"institution_admin"')).decode()
    tampered = ".".join([head, tampered_payload, signature])
    unsigned = jwt.encode(jwt.decode(good, options={"verify_signature": False}), key=None, algorithm="none")
    for token in (expired, tampered, unsigned, "not-a-token"):
        response = api.client.get("/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.content_type == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_refresh_rotates_and_reuse_ends_the_session(fresh_api):
    tokens = fresh_api.login("teacher1").json
    first = fresh_api.client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert first.status_code == 200
    new_access = first.json["access_token"]
    assert fresh_api.client.get("/me", headers={"Authorization": f"Bearer {new_access}"}).status_code == 200
    # The old refresh token comes back: treated as stolen, the whole session ends.
    reuse = fresh_api.client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert reuse.status_code == 401
    assert fresh_api.client.get("/me", headers={"Authorization": f"Bearer {new_access}"}).status_code == 401
    again = fresh_api.client.post("/auth/refresh", json={"refresh_token": first.json["refresh_token"]})
    assert again.status_code == 401
    assert "identity.account.logged_out.v1" in fresh_api.outbox_types()


def test_logout_ends_the_session_at_once(fresh_api):
    tokens = fresh_api.login("deputy1").json
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert fresh_api.client.post("/auth/logout", headers=auth).status_code == 204
    assert fresh_api.client.get("/me", headers=auth).status_code == 401
    assert fresh_api.client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]}).status_code == 401
    assert fresh_api.outbox_types()[-1] == "identity.account.logged_out.v1"


def test_password_change_ends_every_session(fresh_api):
    old = fresh_api.login("teacher1").json["access_token"]
    auth = {"Authorization": f"Bearer {old}"}
    weak = fresh_api.client.post("/auth/password", headers=auth,
                                 json={"current_password": "kabinet-demo", "new_password": "short"})
    assert weak.status_code == 422 and "new_password" in weak.json["errors"]
    changed = fresh_api.client.post("/auth/password", headers=auth,
                                    json={"current_password": "kabinet-demo", "new_password": "a-much-better-one-7"})
    assert changed.status_code == 204
    assert fresh_api.client.get("/me", headers=auth).status_code == 401
    assert fresh_api.login("teacher1").status_code == 401
    assert fresh_api.login("teacher1", "a-much-better-one-7").status_code == 200


def test_deactivation_ends_access_at_once_and_revokes_roles(fresh_api):
    teacher_token = fresh_api.login("teacher1").json["access_token"]
    teacher = fresh_api.client.get("/me", headers={"Authorization": f"Bearer {teacher_token}"}).json
    # Another school's administrator cannot do it.
    other = fresh_api.as_("school2-admin", "POST", f"/accounts/{teacher['account_id']}/deactivate",
                          json={"reason": "employment_ended"})
    assert other.status_code == 404
    response = fresh_api.as_("school1-admin", "POST", f"/accounts/{teacher['account_id']}/deactivate",
                             json={"reason": "employment_ended"})
    assert response.status_code == 200 and response.json["is_active"] is False
    assert all(r["revoked_at"] for r in response.json["roles"])
    assert fresh_api.client.get("/me", headers={"Authorization": f"Bearer {teacher_token}"}).status_code == 401
    assert fresh_api.login("teacher1").status_code == 401
    types = fresh_api.outbox_types()
    assert "identity.account.deactivated.v1" in types and "identity.role.revoked.v1" in types


def test_jwks_serves_the_signing_key(api):
    jwks = api.client.get("/.well-known/jwks.json").json
    token = api.token("teacher1")
    kid = jwt.get_unverified_header(token)["kid"]
    assert kid in {k["kid"] for k in jwks["keys"]}
    assert all(k["alg"] == "RS256" and k["kty"] == "RSA" for k in jwks["keys"])


def test_health_readiness_and_metrics(api):
    assert api.client.get("/healthz").json == {"status": "ok"}
    ready = api.client.get("/readyz")
    assert ready.json["checks"]["database"] == "ok"
    api.login("teacher1")
    metrics = api.client.get("/metrics").get_data(as_text=True)
    assert 'http_requests_total{endpoint="/auth/token",method="POST",status="200"}' in metrics


def test_request_id_is_echoed_and_generated(api):
    given = api.client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    generated = api.client.get("/healthz")
    assert len(generated.headers["X-Request-ID"]) == 32


def test_a_password_change_cuts_off_exactly_at_its_instant_even_within_a_second(fresh_api, monkeypatch):
    """issue 11, finding 4: a token issued in the same second as a password change but before it
    is refused, one issued after it works; the cut-off in the event every other service applies
    falls exactly between the two tokens' issue times (rounded to whole seconds it did not)."""
    second = utcnow().replace(microsecond=0) - timedelta(seconds=1)  # a whole second just past
    moment = {"at": 0.0}
    monkeypatch.setattr(auth_use_cases, "utcnow", lambda: second + timedelta(seconds=moment["at"]))

    moment["at"] = 0.1
    old = fresh_api.login("teacher1").json["access_token"]
    moment["at"] = 0.5
    changed = fresh_api.client.post("/auth/password", headers={"Authorization": f"Bearer {old}"},
                                    json={"current_password": "kabinet-demo", "new_password": "a-much-better-one-7"})
    assert changed.status_code == 204
    moment["at"] = 0.7
    new = fresh_api.login("teacher1", "a-much-better-one-7").json["access_token"]

    assert fresh_api.client.get("/me", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    assert fresh_api.client.get("/me", headers={"Authorization": f"Bearer {old}"}).status_code == 401
    event = [data for type_, data in fresh_api.outbox(OUTBOX) if type_ == "identity.account.password_changed.v1"][-1]
    cutoff = datetime.fromisoformat(event["sessions_revoked_before"]).timestamp()
    old_iat, new_iat = (jwt.decode(t, options={"verify_signature": False})["iat"] for t in (old, new))
    assert int(old_iat) == int(new_iat) == int(cutoff)  # one and the same second
    assert old_iat < cutoff <= new_iat
