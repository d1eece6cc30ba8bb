"""Issue 12 (done when): a browser page on another origin logs in and reads ``/api/me`` — Debian's
real headless Chromium, the whole stack behind the gateway. The page keeps no token: the session
lives in the gateway's httpOnly cookies, changes carry the CSRF token, the logout ends it, and a
page on an origin the gateway does not list cannot use the API at all."""
from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from headless import Page, headless_chromium

from kabinet_kit.testing.http import serve
from kabinet_stack import DEMO_PASSWORD, Stack, wait_feed, wait_http

PAGE = """<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Кабинет</title></head><body>
<p id="who">—</p>
<script>
const API = %(api)s;
window.kabinet = {
  csrf: null,
  async login(login, password) {
    const r = await fetch(API + "/api/session", {method: "POST", credentials: "include",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify({login, password})});
    const body = await r.json();
    this.csrf = body.csrf_token || null;
    return {status: r.status, user: body.user ? body.user.login : null, csrf: !!this.csrf};
  },
  async get(path) {
    const r = await fetch(API + path, {credentials: "include"});
    const body = await r.json().catch(() => null);
    if (path === "/api/identity/me" && r.ok) document.getElementById("who").textContent = body.login;
    return {status: r.status, body};
  },
  async send(method, path, withCsrf) {
    const headers = withCsrf ? {"X-CSRF-Token": this.csrf} : {};
    const r = await fetch(API + path, {method, credentials: "include", headers});
    const text = await r.text();
    return {status: r.status, type: text ? (JSON.parse(text).type || null) : null};
  },
};
</script></body></html>"""


def page_app(api: str):
    html = (PAGE % {"api": json.dumps(api)}).encode("utf-8")

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(html)))])
        return [html]
    return app


def restart_gateway(stack: Stack, **kwargs) -> None:
    stack.restart("gateway-web", **kwargs)
    wait_http(f"{stack.gateway}/healthz", stack.processes["gateway-web"])
    wait_feed(stack.gateway, stack.processes["gateway-web"])


@pytest.fixture(scope="module")
def front(stack) -> Iterator[str]:
    """The front end's page on its own origin (127.0.0.1, another port: same site, another
    origin), listed in the gateway's GATEWAY_CORS_ORIGINS for this module."""
    with serve(page_app(stack.gateway)) as url:
        restart_gateway(stack, env={"GATEWAY_CORS_ORIGINS": url})
        try:
            yield url
        finally:
            restart_gateway(stack, drop=("GATEWAY_CORS_ORIGINS",))


@pytest.fixture
def browser() -> Iterator[Page]:
    with headless_chromium() as page:
        yield page


def test_a_page_on_another_origin_logs_in_and_reads_me_with_the_cookie(front, browser):
    browser.open(front)
    login = browser.evaluate(f"kabinet.login('guardian1', {json.dumps(DEMO_PASSWORD)})")
    assert login == {"status": 200, "user": "guardian1", "csrf": True}
    me = browser.evaluate("kabinet.get('/api/identity/me')")
    assert me["status"] == 200 and me["body"]["login"] == "guardian1" and len(me["body"]["children"]) == 2
    assert browser.evaluate("document.getElementById('who').textContent") == "guardian1"
    overview = browser.evaluate("kabinet.get('/api/me/overview')")
    assert overview["status"] == 200 and len(overview["body"]["children"]) == 2
    # The token is nowhere a script could read it.
    assert "kabinet_session" not in browser.evaluate("document.cookie")
    assert browser.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)") == "{}{}"


def test_changes_need_the_csrf_token_and_the_logout_ends_the_session(front, browser):
    browser.open(front)
    assert browser.evaluate(f"kabinet.login('guardian2', {json.dumps(DEMO_PASSWORD)})")["status"] == 200
    refused = browser.evaluate("kabinet.send('DELETE', '/api/session', false)")
    assert refused == {"status": 403, "type": "https://kabinet.example/problems/csrf-failed"}
    assert browser.evaluate("kabinet.get('/api/identity/me')")["status"] == 200
    assert browser.evaluate("kabinet.send('DELETE', '/api/session', true)")["status"] == 204
    assert browser.evaluate("kabinet.get('/api/identity/me')")["status"] == 401
    assert browser.evaluate("kabinet.get('/api/session')")["status"] == 401


def test_a_page_on_an_unlisted_origin_cannot_use_the_api(front, browser):
    # localhost is another site and is not listed: the preflight gets no CORS headers.
    browser.open(front.replace("127.0.0.1", "localhost"))
    with pytest.raises(RuntimeError, match="Failed to fetch"):
        browser.evaluate(f"kabinet.login('guardian1', {json.dumps(DEMO_PASSWORD)})")
