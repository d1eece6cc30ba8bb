"""The gateway's path rules against a real upstream that records every path it receives."""
from __future__ import annotations

import http.client
from urllib.parse import unquote, urlsplit

import pytest
from flask import Flask, jsonify, request

from kabinet_gateway.bootstrap import create_app
from kabinet_kit.testing.http import serve

SECRET_METRICS = "kabinet_requests_total 42"


class Recorder:
    def __init__(self):
        self.seen: list[tuple[str, str, str]] = []  # (method, raw request target, decoded path)


def make_recording_upstream(recorder: Recorder) -> Flask:
    app = Flask("recording_upstream")

    @app.route("/", defaults={"rest": ""}, methods=["GET", "POST"])
    @app.route("/<path:rest>", methods=["GET", "POST"])
    def anything(rest):
        if request.path == "/healthz":
            return jsonify({"status": "ok"})  # the gateway's health checks, not what the tests send
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI", "")
        recorder.seen.append((request.method, raw, request.path))
        if request.path == "/metrics":
            return SECRET_METRICS, 200, {"Content-Type": "text/plain"}
        if request.path == "/auth/token":
            return jsonify({"access_token": "t", "token_type": "Bearer"})
        return jsonify({"path": request.path})

    return app


@pytest.fixture(scope="module")
def recorder():
    return Recorder()


@pytest.fixture(scope="module")
def gateway_host(recorder, minter, feed_alive):
    with serve(make_recording_upstream(recorder)) as upstream:
        app = feed_alive(create_app({"database_url": None, "key_source": minter.key_source, "login_rate": "3/3600",
                                     "upstreams": {"identity": upstream, "journal": upstream}}))
        with serve(app) as url:
            yield urlsplit(url).netloc
        app.extensions["kabinet.gateway"].close()


@pytest.fixture
def auth(mint):
    # The attacker's own valid token: the rules must hold for authenticated callers too.
    return {"Authorization": f"Bearer {mint()[0]}"}


def send(host: str, method: str, target: str, headers: dict[str, str], body: bytes | None = None):
    """The request target exactly as written (http.client neither decodes nor normalises it)."""
    conn = http.client.HTTPConnection(host, timeout=5)
    try:
        conn.request(method, target, body=body, headers={**headers, "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_double_encoded_metrics_is_refused(gateway_host, recorder, auth):
    """issue 11, finding 3: /api/journal/%256detrics must not reach the service's /metrics."""
    recorder.seen.clear()
    status, content_type, body = send(gateway_host, "GET", "/api/journal/%256detrics", auth)
    assert status == 400, body
    assert content_type == "application/problem+json"
    assert SECRET_METRICS not in body
    assert recorder.seen == []


@pytest.mark.parametrize("target", [
    "/api/journal/metrics",
    "/api/journal/%6detrics",
    "/api/journal/%6Detrics",
    "/api/journal/./metrics",
    "/api/journal/x/../metrics",
    "/api/journal/%2E/metrics",
    "/api/journal/x/%2E%2E/metrics",
    "/api/journal/x%2F..%2Fmetrics",
    "/api/journal//metrics",
    "/api/journal/x//metrics",
    "/api/journal/metrics/",
    "/api/journal/metrics/x",
    "/api/journal/%2Fmetrics",
    "/api/journal/%252E%252E/metrics",
])
def test_encoded_and_dotted_metrics_never_reach_the_service(gateway_host, recorder, auth, target):
    """issue 11, finding 3: every spelling of a service's /metrics is handled by the same rule."""
    recorder.seen.clear()
    status, _content_type, body = send(gateway_host, "GET", target, auth)
    assert status in (308, 400, 404), (status, body)
    assert SECRET_METRICS not in body
    assert recorder.seen == []


def test_double_encoded_login_is_refused_and_never_escapes_the_limit(gateway_host, recorder, auth):
    """issue 11, finding 3: POST /api/identity/%2561uth/token is not a login without the rate limit."""
    login = b'{"login": "guardian1", "password": "guess"}'
    recorder.seen.clear()
    for _ in range(3):
        status, _, body = send(gateway_host, "POST", "/api/identity/auth/token", {}, login)
        assert status == 200, body
    assert send(gateway_host, "POST", "/api/identity/auth/token", {}, login)[0] == 429
    upstream_logins = len(recorder.seen)
    for target in ("/api/identity/%2561uth/token", "/api/identity/auth%252Ftoken", "/api/identity/auth//token",
                   "/api/identity/x/../auth/token", "/api/identity/./auth/token"):
        status, content_type, body = send(gateway_host, "POST", target, auth, login)
        assert status in (400, 429), (target, status, body)
        assert content_type == "application/problem+json"
    assert len(recorder.seen) == upstream_logins == 3


@pytest.mark.parametrize("target", [
    "/api/journal/a%2Fb",
    "/api/journal/%D1%86/%D0%B4",
    "/api/journal/a%3Fb",
    "/api/journal/a%23b",
    "/api/journal/a%20b",
    "/api/journal/a;b",
    "/api/journal/a..b/c",
    "/api/journal/.well-known/x",
])
def test_upstream_gets_exactly_the_path_the_gateway_checked(gateway_host, recorder, auth, target):
    """issue 11, finding 3: what the service decodes is byte for byte what the gateway decoded."""
    recorder.seen.clear()
    status, _, body = send(gateway_host, "GET", target, auth)
    assert status == 200, body
    checked = unquote(target[len("/api/journal"):])
    [(method, raw, decoded)] = recorder.seen
    assert method == "GET" and decoded == checked
    assert unquote(raw) == checked


@pytest.mark.parametrize("target", ["/api/journal/a%25b", "/api/journal/a%2541", "/api/journal/%25"])
def test_encoded_percent_is_refused(gateway_host, recorder, auth, target):
    """issue 11, finding 3: a path that still holds '%' after decoding would decode again upstream."""
    recorder.seen.clear()
    status, content_type, body = send(gateway_host, "GET", target, auth)
    assert status == 400, body
    assert content_type == "application/problem+json"
    assert recorder.seen == []
