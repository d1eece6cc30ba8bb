"""Through the gateway only: login, /me, refused tokens, revocation on deactivation, a stopped
upstream, the merged OpenAPI and the event catalogue."""
from __future__ import annotations

import base64
import json
import time

from kabinet_contracts import REGISTRY

PROBLEM = "application/problem+json"


def test_login_and_me(stack):
    response = stack.login("guardian1")
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert tokens["token_type"].lower() == "bearer" and tokens["refresh_token"]
    me = stack.get("/api/identity/me", tokens["access_token"])
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["login"] == "guardian1" and len(body["children"]) == 2
    assert me.headers["X-Request-ID"]


def test_wrong_password_is_a_prompt_401_with_no_hint(stack):
    started = time.monotonic()
    wrong = stack.login("teacher2", "not-the-password")
    unknown = stack.login("nobody-at-all", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.headers["Content-Type"].startswith(PROBLEM)
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert time.monotonic() - started < 10  # a refused login never waits on a lock


def test_missing_and_tampered_tokens_refused_by_gateway(stack):
    assert stack.get("/api/identity/me").status_code == 401
    token = stack.token("guardian1")
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = [{"role": "department_officer", "organisation_id": None, "group_id": None}]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    for bad in (f"{header}.{forged}.{signature}", f"{header}.{payload}.{signature[:-4]}AAAA"):
        response = stack.get("/api/identity/me", bad)
        assert response.status_code == 401
        assert response.headers["Content-Type"].startswith(PROBLEM)
        assert "недействительный токен" in response.json()["detail"]
    none_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    response = stack.get("/api/identity/me", f"{none_header}.{payload}.")
    assert response.status_code == 401 and "алгоритм подписи" in response.json()["detail"]


def test_forged_identity_headers_do_not_reach_identity(stack):
    token = stack.token("guardian1")
    me = stack.get("/api/identity/me", token, headers={"X-Kabinet-Account-Id": "00000000-0000-0000-0000-000000000000"})
    assert me.status_code == 200 and me.json()["login"] == "guardian1"


def _new_teacher(stack, admin: str, login: str) -> str:
    """A teacher account of School No. 1 of the test's own: the demo logins stay usable for the
    other tests (the security matrix logs in as every one of them)."""
    school = next(r["organisation_id"] for r in stack.get("/api/identity/me", admin).json()["roles"])
    person = stack.post("/api/identity/people", admin, json={
        "kind": "staff", "organisation_id": school, "last_name": "Уволенный", "first_name": "Тест"})
    assert person.status_code == 201, person.text
    account = stack.post("/api/identity/accounts", admin, json={
        "person_id": person.json()["person_id"], "login": login, "password": "Deactivated-2026!",
        "roles": [{"role": "teacher", "organisation_id": school}]})
    assert account.status_code == 201, account.text
    return account.json()["account_id"]


def test_deactivated_account_refused_by_gateway_within_a_second(stack):
    admin = stack.token("school1-admin")
    account_id = _new_teacher(stack, admin, "leaving-teacher")
    response = stack.login("leaving-teacher", "Deactivated-2026!")
    assert response.status_code == 200, response.text
    teacher = response.json()["access_token"]
    # reports is not running: before revocation a valid token gets 503 from the gateway
    # (it passed the token check); after, the gateway itself refuses it with 401.
    assert stack.get("/api/reports/anything", teacher).status_code == 503
    response = stack.post(f"/api/identity/accounts/{account_id}/deactivate", admin,
                          json={"reason": "employment_ended"})
    assert response.status_code in (200, 204), response.text
    started = time.monotonic()
    while time.monotonic() - started < 3:
        refused = stack.get("/api/reports/anything", teacher)
        if refused.status_code == 401:
            break
        time.sleep(0.02)
    elapsed = time.monotonic() - started
    assert refused.status_code == 401 and refused.json()["detail"] == "токен отозван", refused.text
    print(f"deactivation honoured by the gateway after {elapsed:.3f}s")
    assert elapsed < 1.0, f"revocation took {elapsed:.2f}s"
    # Every gateway worker honours it (two workers; several calls land on both).
    for _ in range(10):
        assert stack.get("/api/identity/me", teacher).status_code == 401
    assert stack.login("leaving-teacher", "Deactivated-2026!").status_code in (401, 403)


def test_logout_refused_by_gateway(stack):
    token = stack.token("educator1")
    assert stack.post("/api/identity/auth/logout", token).status_code == 204
    started = time.monotonic()
    while time.monotonic() - started < 3:
        response = stack.get("/api/journal/anything", token)
        if response.status_code == 401:
            break
        time.sleep(0.02)
    elapsed = time.monotonic() - started
    print(f"logout honoured by the gateway after {elapsed:.3f}s")
    assert response.json()["detail"] == "токен отозван"
    assert elapsed < 1.0


def test_merged_openapi_has_every_running_service(stack):
    spec = stack.get("/api/openapi.json").json()
    for path in ("/api/identity/auth/token", "/api/identity/me", "/api/identity/accounts/{account_id}/deactivate",
                 "/api/me/overview", "/api/journal/diary/{child_id}/summary",
                 "/api/preschool/children/{child_id}/recommendations"):
        assert path in spec["paths"], path
    for service in ("identity", "journal", "preschool", "portfolio"):
        assert any(name.startswith(f"{service}.") for name in spec["components"]["schemas"]), service
    assert set(spec["info"]["x-kabinet-missing-services"]) == {"reports"}
    docs = stack.get("/api/docs")
    assert docs.status_code == 200 and "/api/docs/static/swagger-ui-bundle.js" in docs.text
    assert stack.get("/api/docs/static/swagger-ui-bundle.js").status_code == 200


def test_asyncapi_lists_every_registered_event(stack):
    doc = stack.get("/api/events/asyncapi.json").json()
    assert doc["asyncapi"] == "3.0.0"
    assert {c["address"] for c in doc["channels"].values()} == {c.type for c in REGISTRY}
    page = stack.get("/api/events")
    assert page.status_code == 200
    for contract in REGISTRY:
        assert contract.type in page.text


def test_overview_joins_the_running_services_and_marks_the_absent_one_missing(stack):
    started = time.monotonic()
    response = stack.get("/api/me/overview", stack.token("guardian1"))
    assert time.monotonic() - started < 2.0
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["complete"] is False and len(body["children"]) == 2
    children = {c["first_name"]: c for c in body["children"]}
    # Ivan is a pupil of 5А: his diary comes from the journal (the demo city has marks in it).
    assert children["Иван"]["diary"]["status"] == "ok", children["Иван"]["diary"]
    assert children["Иван"]["diary"]["data"]["child_id"] == children["Иван"]["child_id"]
    # Ivan's portfolio (his father gave the portfolio consent) comes from the portfolio service.
    assert children["Иван"]["portfolio_points"]["status"] == "ok", children["Иван"]["portfolio_points"]
    # Anna has no portfolio (she is not a pupil with one): missing, not an error of the page.
    assert children["Анна"]["portfolio_points"]["status"] == "missing"


def test_health_and_metrics(stack):
    assert stack.get("/healthz").json() == {"status": "ok"}
    ready = stack.get("/readyz").json()
    assert ready["status"] == "ready" and ready["upstreams"]["identity"] == "ok"
    assert ready["upstreams"]["journal"] == "ok" and ready["upstreams"]["preschool"] == "ok"
    assert ready["broker"] == "ok"  # probed under gateway-web, the account that may do nothing
    assert ready["upstreams"]["portfolio"] == "ok"
    assert ready["upstreams"]["reports"] == "unavailable"  # configured here, nothing listens
    metrics = stack.get("/metrics").text
    assert "http_request_duration_seconds_bucket" in metrics and "gateway_upstream_duration_seconds" in metrics


def test_stopped_upstream_gives_503_problem(stack):
    token = stack.token("guardian1")
    stack.processes["identity-web"].stop()
    try:
        response = stack.get("/api/identity/me", token)
        assert response.status_code == 503
        assert response.headers["Content-Type"].startswith(PROBLEM)
        body = response.json()
        assert body["service"] == "identity" and body["status"] == 503 and "Traceback" not in response.text
        assert stack.get("/readyz").status_code == 503
    finally:
        stack.restart_identity_web()
    assert stack.get("/api/identity/me", token).status_code == 200
