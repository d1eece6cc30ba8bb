"""Revocation holds beyond the gateway (issue 11, finding 4): journal and preschool answer only
requests the gateway vouches for, so a logged-out token gets nothing by going round it; a
password change cuts off exactly at its instant; the revocation feed's heartbeat keeps the
gateway ready."""
from __future__ import annotations

import base64
import json
import os
import time
from itertools import pairwise

import requests

from kabinet_kit.gateway_proof import HEADER, SECRET_ENV, sign

PROBLEM = "application/problem+json"


def _wait_refused(stack, path: str, token: str, limit: float = 3.0) -> requests.Response:
    started = time.monotonic()
    while True:
        response = stack.get(path, token)
        if response.status_code == 401 or time.monotonic() - started > limit:
            return response
        time.sleep(0.02)


def _iat(token: str) -> float:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["iat"]


def test_a_logged_out_token_sent_straight_to_the_services_is_refused(stack):
    me = stack.get("/api/identity/me", stack.token("educator1")).json()
    group = next(r["group_id"] for r in me["roles"] if r.get("group_id"))
    secret = os.environ[SECRET_ENV]  # the run's secret, which every process of the stack got
    for service, login, path in (("journal", "teacher1", "/loads?mine=true"),
                                 ("preschool", "educator1", f"/groups/{group}/children")):
        token, other = stack.token(login), stack.token(login)  # two sessions of one person
        bearer, other_bearer = f"Bearer {token}", f"Bearer {other}"
        assert stack.get(f"/api/{service}{path}", token).status_code == 200, service
        assert stack.post("/api/identity/auth/logout", token).status_code == 204
        assert _wait_refused(stack, f"/api/{service}{path}", token).json()["detail"] == "токен отозван"
        for headers in ({"Authorization": bearer},
                        {"Authorization": bearer, HEADER: sign(secret, "GET", path, other_bearer)},
                        {"Authorization": other_bearer, HEADER: sign(secret, "GET", path, bearer)},
                        {"Authorization": bearer, HEADER: sign(secret, "GET", path, bearer, now=time.time() - 120)}):
            direct = requests.get(stack.url(service) + path, headers=headers, timeout=10)
            assert direct.status_code == 401, (service, list(headers), direct.text)
            assert direct.headers["Content-Type"].startswith(PROBLEM)
        assert stack.get(f"/api/{service}{path}", other).status_code == 200, service


def test_a_password_change_cuts_off_exactly_even_within_its_second(stack):
    """Log in, change the password, log in again at once: the old token is refused and the new
    one works through the gateway, in runs where all three fall in one second (tried until one
    does; each try takes milliseconds)."""
    passwords = ["kabinet-demo", "first-new-password-1", "second-new-password-2", "third-new-password-3",
                 "fourth-new-password-4", "fifth-new-password-5"]
    for current, new in pairwise(passwords):
        old = stack.token_with("tutor1", current)
        changed = stack.post("/api/identity/auth/password", old, json={"current_password": current,
                                                                      "new_password": new})
        assert changed.status_code == 204, changed.text
        fresh = stack.token_with("tutor1", new)
        if int(_iat(old)) == int(_iat(fresh)):
            break
    else:
        raise AssertionError("no try fell within one second")
    assert _iat(old) < _iat(fresh)
    refused = _wait_refused(stack, "/api/journal/loads?mine=true", old)
    assert refused.status_code == 401 and refused.json()["detail"] == "токен отозван"
    assert stack.get("/api/journal/loads?mine=true", fresh).status_code == 200
    assert stack.get("/api/identity/me", fresh).status_code == 200
    # The demo password back, for whoever logs in as tutor1 next.
    assert stack.post("/api/identity/auth/password", fresh, json={"current_password": new,
                                                                 "new_password": "kabinet-demo"}).status_code == 204


def test_the_feed_going_quiet_closes_all_but_identity_until_it_resumes(stack):
    """Identity's relay stopped: no heartbeat reaches the gateway, nor would a logout. Past the
    bound (6 s here) the gateway refuses the journal with 503 and says so in /readyz, identity
    still answers; a logout meanwhile is honoured by identity at once and by the gateway as soon
    as the relay is back."""
    token, leaving = stack.token("teacher1"), stack.token("teacher1")
    assert stack.get("/api/journal/loads?mine=true", token).status_code == 200
    relay = stack.processes["identity-relay"]
    relay.stop()
    try:
        started = time.monotonic()
        while (closed := stack.get("/api/journal/loads?mine=true", token)).status_code == 200:
            assert time.monotonic() - started < 15, "the journal stayed open without heartbeats"
            time.sleep(0.2)
        print(f"feed stale after {time.monotonic() - started:.1f}s without the relay")
        assert closed.status_code == 503 and closed.headers["Content-Type"].startswith(PROBLEM)
        assert "сведения об отзыве токенов устарели" in closed.json()["detail"].lower()
        ready = stack.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["revocation_feed"].startswith("stale since ")
        assert stack.get("/api/identity/me", token).status_code == 200
        assert stack.post("/api/identity/auth/logout", leaving).status_code == 204
        assert stack.get("/api/identity/me", leaving).status_code == 401  # identity's own records
        assert stack.get("/api/journal/loads?mine=true", leaving).status_code == 503  # never 200
    finally:
        stack.start("identity-relay", relay.module, relay.env)
    started = time.monotonic()
    while stack.get("/api/journal/loads?mine=true", token).status_code != 200:
        assert time.monotonic() - started < 15, "heartbeats resumed but the journal stayed closed"
        time.sleep(0.2)
    assert stack.get("/readyz").json()["checks"]["revocation_feed"] == "ok"
    assert _wait_refused(stack, "/api/journal/loads?mine=true", leaving).json()["detail"] == "токен отозван"
