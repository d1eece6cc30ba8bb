"""Issue 12 item 5: a browser's session in httpOnly cookies beside the bearer tokens. The login,
the renewal and the logout go to identity (a fake one here, over real HTTP); the cookie's token
is checked like a bearer token, revocations included; a change through the cookie needs the
session's X-CSRF-Token and a trusted Origin; bearer requests are as before."""
from __future__ import annotations

import secrets
import uuid
from types import SimpleNamespace

import pytest
import requests
from flask import Flask, jsonify, request

from kabinet_gateway.bootstrap import create_app
from kabinet_kit.testing.http import serve

FRONT = "http://front.kabinet.test:5173"
PASSWORD = "correct-horse-1"
ROLES = ({"role": "guardian", "organisation_id": None, "group_id": None},)


def fake_identity(minter, jwks) -> tuple[Flask, dict]:
    """Identity's login, refresh, logout and /me; ``state`` tells the test what it was asked."""
    app = Flask("fake_identity")
    state: dict = {"refresh": {}, "logouts": [], "seen": {}}

    def tokens(account: str, sid: str) -> dict:
        refresh = secrets.token_urlsafe(24)
        state["refresh"][refresh] = (account, sid)
        return {"access_token": minter.token(account, "p-" + account, roles=ROLES, sid=sid),
                "refresh_token": refresh, "token_type": "Bearer", "expires_in": 900}

    @app.get("/.well-known/jwks.json")
    def keys():
        return jsonify(jwks)

    @app.post("/auth/token")
    def token():
        body = request.get_json()
        if body.get("password") != PASSWORD:
            return jsonify({"type": "https://kabinet.example/problems/unauthenticated", "status": 401,
                            "title": "Требуется вход", "detail": "Неверный логин или пароль."}), 401
        return jsonify(tokens(body["login"], str(uuid.uuid4())))

    @app.post("/auth/refresh")
    def refresh():
        found = state["refresh"].pop(request.get_json()["refresh_token"], None)
        if found is None:
            return jsonify({"status": 401, "detail": "Refresh token is not valid."}), 401
        return jsonify(tokens(*found))

    @app.post("/auth/logout")
    def logout():
        state["logouts"].append(request.headers.get("X-Kabinet-Session-Id"))
        return "", 204

    @app.get("/me")
    def me():
        return jsonify({"account_id": request.headers.get("X-Kabinet-Account-Id"), "login": "anna"})

    @app.route("/echo", methods=["GET", "POST", "DELETE"])
    def echo():
        state["seen"] = dict(request.headers)
        return jsonify({"method": request.method, "account": request.headers.get("X-Kabinet-Account-Id")})

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app, state


@pytest.fixture(scope="module")
def identity(minter, jwks):
    app, state = fake_identity(minter, jwks)
    with serve(app) as url:
        yield url, state


@pytest.fixture
def gateway(identity, minter, feed_alive):
    app = feed_alive(create_app({"database_url": None, "key_source": minter.key_source, "gateway_proof": "p" * 32,
                                 "upstreams": {"identity": identity[0]}, "cors_origins": FRONT}))
    with serve(app) as url:
        yield url, app.extensions["kabinet.gateway"]
    app.extensions["kabinet.gateway"].close()


def login(base: str, origin: str = FRONT, password: str = PASSWORD) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    answer = browser.post(f"{base}/api/session", json={"login": "anna", "password": password},
                          headers={"Origin": origin})
    return browser, answer


def test_a_login_sets_httponly_cookies_and_answers_the_user_and_a_csrf_token(gateway):
    base, _gw = gateway
    browser, answer = login(base)
    assert answer.status_code == 200, answer.text
    assert answer.json()["user"]["login"] == "anna" and answer.json()["csrf_token"]
    set_cookies = answer.raw.headers.getlist("Set-Cookie")
    session = next(c for c in set_cookies if c.startswith("kabinet_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Path=/api" in session
    assert "Secure" not in session  # plain http here; https gets Secure
    refresh = next(c for c in set_cookies if c.startswith("kabinet_refresh="))
    assert "Path=/api/session" in refresh and "HttpOnly" in refresh
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["Access-Control-Allow-Origin"] == FRONT
    assert answer.headers["Access-Control-Allow-Credentials"] == "true"
    # The cookie alone reads the API; the service gets the token as a bearer, never our cookies.
    me = browser.get(f"{base}/api/identity/echo", headers={"Origin": FRONT})
    assert me.status_code == 200 and me.json()["account"] == "anna"


def test_the_cookie_reaches_the_service_as_a_bearer_token_and_the_gateway_cookies_stay_behind(gateway, identity):
    base, _gw = gateway
    browser, answer = login(base)
    browser.cookies.set("theme", "dark")
    csrf = answer.json()["csrf_token"]
    ok = browser.post(f"{base}/api/identity/echo", headers={"Origin": FRONT, "X-CSRF-Token": csrf})
    assert ok.status_code == 200, ok.text
    seen = identity[1]["seen"]
    assert seen["Authorization"] == f"Bearer {browser.cookies['kabinet_session']}"
    assert "kabinet_" not in seen.get("Cookie", "") and "theme=dark" in seen["Cookie"]
    assert "X-Csrf-Token" not in seen


def test_a_change_through_the_cookie_needs_the_csrf_token_and_a_trusted_origin(gateway):
    base, _gw = gateway
    browser, answer = login(base)
    csrf = answer.json()["csrf_token"]
    for headers, why in (({"Origin": FRONT}, "no token"),
                         ({"Origin": FRONT, "X-CSRF-Token": "0" * 64}, "a wrong token"),
                         ({"Origin": "https://evil.example", "X-CSRF-Token": csrf}, "a foreign origin"),
                         ({"X-CSRF-Token": csrf}, "no origin")):
        refused = browser.post(f"{base}/api/identity/echo", headers=headers)
        assert refused.status_code == 403, why
        assert refused.json()["type"].endswith("/csrf-failed"), why
    # Another session's token does not fit this one.
    _other, other_answer = login(base)
    assert browser.delete(f"{base}/api/identity/echo", headers={
        "Origin": FRONT, "X-CSRF-Token": other_answer.json()["csrf_token"]}).status_code == 403
    # The gateway's own origin is trusted as well; reads need no token.
    assert browser.post(f"{base}/api/identity/echo", headers={"Origin": base, "X-CSRF-Token": csrf}).status_code == 200
    assert browser.get(f"{base}/api/identity/echo").status_code == 200


def test_a_bearer_request_ignores_the_cookie_and_needs_no_csrf(gateway, mint):
    base, _gw = gateway
    browser, _answer = login(base)
    token, claims = mint()
    answer = browser.post(f"{base}/api/identity/echo", headers={"Authorization": f"Bearer {token}",
                                                                "Origin": "https://evil.example"})
    assert answer.status_code == 200 and answer.json()["account"] == claims["sub"]


def test_a_login_from_an_untrusted_origin_or_with_a_wrong_password_sets_nothing(gateway):
    base, _gw = gateway
    browser, answer = login(base, origin="https://evil.example")
    assert answer.status_code == 403 and not browser.cookies
    browser, answer = login(base, password="wrong")
    assert answer.status_code == 401 and not browser.cookies
    assert answer.json()["detail"] == "Неверный логин или пароль."
    assert requests.post(f"{base}/api/session", json={"login": "anna"}, headers={"Origin": FRONT}).status_code == 422


def test_logout_ends_the_session_at_identity_and_clears_the_cookies(gateway, identity):
    base, gw = gateway
    browser, answer = login(base)
    sid = gw.authenticator.verifier.verify(browser.cookies["kabinet_session"]).session_id
    assert browser.delete(f"{base}/api/session", headers={"Origin": FRONT}).status_code == 403  # CSRF here too
    out = browser.delete(f"{base}/api/session", headers={"Origin": FRONT, "X-CSRF-Token": answer.json()["csrf_token"]})
    assert out.status_code == 204
    assert identity[1]["logouts"][-1] == sid
    assert all("Max-Age=0" in c for c in out.raw.headers.getlist("Set-Cookie"))
    assert not browser.cookies
    assert browser.get(f"{base}/api/identity/echo").status_code == 401


def test_a_revoked_session_or_a_password_change_ends_the_cookie_session(gateway):
    base, gw = gateway
    browser, _answer = login(base)
    principal = gw.authenticator.verifier.verify(browser.cookies["kabinet_session"])
    assert browser.get(f"{base}/api/session").status_code == 200
    # What the revocation feed brings after identity's logout elsewhere (the same list as bearer tokens).
    gw.revocations.apply(SimpleNamespace(kind="session", session_id=principal.session_id, account_id=None,
                                         issued_before=None))
    assert browser.get(f"{base}/api/identity/echo").status_code == 401
    assert browser.get(f"{base}/api/session").status_code == 401
    other, _ = login(base)
    later = gw.authenticator.verifier.verify(other.cookies["kabinet_session"])
    # A password change revokes every token of the account issued before it (however slow the login was).
    gw.revocations.apply(SimpleNamespace(kind="account", session_id=None, account_id=principal.account_id,
                                         issued_before=later.issued_at + 0.001))
    assert other.get(f"{base}/api/identity/echo").status_code == 401


def test_the_session_is_renewed_with_the_refresh_cookie_and_read_again_after_a_reload(gateway):
    base, _gw = gateway
    browser, answer = login(base)
    again = browser.get(f"{base}/api/session", headers={"Origin": FRONT})
    assert again.status_code == 200 and again.json()["csrf_token"] == answer.json()["csrf_token"]
    old = browser.cookies["kabinet_refresh"]
    renewed = browser.post(f"{base}/api/session/refresh", headers={"Origin": FRONT})
    assert renewed.status_code == 200, renewed.text
    assert browser.cookies["kabinet_refresh"] != old  # rotated by identity
    assert renewed.json()["csrf_token"] == answer.json()["csrf_token"]  # the same session
    # The used refresh token is gone: a replay clears the cookies.
    replay = requests.post(f"{base}/api/session/refresh", headers={"Origin": FRONT},
                           cookies={"kabinet_refresh": "nope"})
    assert replay.status_code == 401 and "Max-Age=0" in replay.headers["Set-Cookie"]
    assert browser.post(f"{base}/api/session/refresh", headers={"Origin": "https://evil.example"}).status_code == 403


def test_no_session_answers_401_and_cookies_are_secure_over_https(gateway, identity, minter, feed_alive):
    base, _gw = gateway
    assert requests.get(f"{base}/api/session").status_code == 401
    app = feed_alive(create_app({"database_url": None, "key_source": minter.key_source, "gateway_proof": "p" * 32,
                                 "upstreams": {"identity": identity[0]}, "trusted_proxy_hops": 1,
                                 "session_same_site": "Strict"}))
    try:
        answer = app.test_client().post("/api/session", json={"login": "anna", "password": PASSWORD}, headers={
            "Origin": "https://kabinet.test", "Host": "kabinet.test", "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "10.1.1.1"}, base_url="https://kabinet.test")
        assert answer.status_code == 200, answer.text
        assert all("Secure" in c and "SameSite=Strict" in c for c in answer.headers.getlist("Set-Cookie"))
    finally:
        app.extensions["kabinet.gateway"].close()
