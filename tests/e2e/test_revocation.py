"""Revocation holds beyond the gateway (issue 11, finding 4): journal and preschool answer only
requests the gateway vouches for, so a logged-out token gets nothing by going round it; a
password change cuts off exactly at its instant; the revocation feed's heartbeat keeps the
gateway ready."""
from __future__ import annotations

import base64
import json
import os
import time

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
        assert _wait_refused(stack, f"/api/{service}{path}", token).json()["detail"] == "token revoked"
        for headers in ({"Authorization": bearer},
                        {"Authorization": bearer, HEADER: sign(secret, "GET", path, other_bearer)},
                        {"Authorization": other_bearer, HEADER: sign(secret, "GET", path, bearer)},
                        {"Authorization": bearer, HEADER: sign(secret, "GET", path, bearer, now=time.time() - 120)}):
            direct = requests.get(stack.url(service) + path, headers=headers, timeout=10)
            assert direct.status_code == 401, (service, list(headers), direct.text)
            assert direct.headers["Content-Type"].startswith(PROBLEM)
        assert stack.get(f"/api/{service}{path}", other).status_code == 200, service
