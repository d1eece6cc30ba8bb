"""Only configured and healthy upstreams receive requests (issue 11, finding 7): an upstream
where nothing listens, or where a process listens that fails the health check, never gets a
request, let alone a bearer token; the gateway answers 503 problem+json, and the home screen
still answers with that part marked unavailable."""
from __future__ import annotations

import threading
import time

import pytest
import requests
from flask import Flask, jsonify, request

from kabinet_gateway.bootstrap import create_app
from kabinet_kit.testing.http import closed_port_url, serve

PROBLEM = "application/problem+json"


class Recorder:
    """A process on the upstream's port that records the headers of every request it gets and
    answers them all; its own health check fails until ``healthy`` is set."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.healthy = threading.Event()
        self.app = Flask("recorder")

        @self.app.route("/<path:path>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
        def anything(path: str):
            self.requests.append((f"/{path}", dict(request.headers)))
            if path == "healthz" and not self.healthy.is_set():
                return jsonify({"status": "failing"}), 500
            return jsonify({"status": "ok", "child_id": "c1", "items": []})

    def authorised(self) -> list[str]:
        return [path for path, headers in self.requests if "Authorization" in headers]


@pytest.fixture
def recorder():
    rec = Recorder()
    with serve(rec.app) as url:
        yield rec, url


def _gateway(minter, feed_alive, **upstreams):
    # The revocation feed heard from: a 503 here is the upstream's health, never a stale feed.
    return feed_alive(create_app({"database_url": None, "key_source": minter.key_source,
                                  "upstream_check_interval": 0.2, "upstreams": upstreams}))


def test_no_token_reaches_an_upstream_where_nothing_listens_or_that_fails_its_health_check(
        upstream_url, minter, mint, recorder, feed_alive):
    rec, recorder_url = recorder
    app = _gateway(minter, feed_alive, identity=upstream_url, journal=closed_port_url(), preschool=recorder_url)
    auth = {"Authorization": f"Bearer {mint()[0]}"}
    try:
        with serve(app) as url:
            for path in ("/api/journal/diary/c1/summary", "/api/preschool/children/c1/recommendations",
                         "/api/preschool/echo"):
                for method in ("GET", "POST"):
                    response = requests.request(method, url + path, headers=auth, json={}, timeout=10)
                    assert response.status_code == 503, (path, response.text)
                    assert response.headers["Content-Type"].startswith(PROBLEM)
                    body = response.json()
                    assert body["service"] in ("journal", "preschool") and body["status"] == 503
            overview = requests.get(f"{url}/api/me/overview", headers=auth, timeout=10)
            time.sleep(0.5)  # a few background checks more: probes, never requests
    finally:
        app.extensions["kabinet.gateway"].close()
    assert rec.authorised() == [], "a bearer token went to an upstream that fails its health check"
    assert {path for path, _ in rec.requests} == {"/healthz"}
    assert overview.status_code == 200, overview.text
    body = overview.json()
    for child in body["children"]:
        assert child["diary"] == {"status": "missing", "service": "journal", "reason": "unavailable"}
        assert child["recommendations"] == {"status": "missing", "service": "preschool", "reason": "unavailable"}
    assert body["complete"] is False
    assert body["unavailable_services"] == {"journal": "unavailable", "preschool": "unavailable",
                                            "portfolio": "not deployed"}


def test_an_upstream_is_used_while_healthy_and_only_then(minter, mint, upstream_url, recorder, feed_alive):
    """It turns healthy: requests go; it fails its checks: they stop (no token after that);
    healthy again: they resume."""
    rec, recorder_url = recorder
    rec.healthy.set()
    app = _gateway(minter, feed_alive, identity=upstream_url, preschool=recorder_url)
    auth = {"Authorization": f"Bearer {mint()[0]}"}
    try:
        with serve(app) as url:
            def call():
                return requests.get(f"{url}/api/preschool/children/c1/recommendations", headers=auth, timeout=10)
            assert call().status_code == 200
            rec.healthy.clear()
            time.sleep(0.6)  # at least one background check sees it fail
            seen = len(rec.authorised())
            assert call().status_code == 503
            assert len(rec.authorised()) == seen
            rec.healthy.set()  # a request finding it unhealthy checks again first: no waiting
            assert call().status_code == 200
    finally:
        app.extensions["kabinet.gateway"].close()


def test_a_connection_refused_while_forwarding_marks_the_upstream_unhealthy_at_once(minter, mint, upstream_url,
                                                                                   feed_alive):
    """The circuit breaker: the service goes away between two checks; the failed request marks
    it unhealthy at once, without waiting for the next check."""
    rec = Recorder()
    rec.healthy.set()
    auth = {"Authorization": f"Bearer {mint()[0]}"}
    with serve(rec.app) as recorder_url:
        app = feed_alive(create_app({"database_url": None, "key_source": minter.key_source,
                                     "upstream_check_interval": 60,
                                     "upstreams": {"identity": upstream_url, "preschool": recorder_url}}))
        gw, client = app.extensions["kabinet.gateway"], app.test_client()
        assert client.get("/api/preschool/echo", headers=auth).status_code == 200
    try:
        # The recorder has stopped; the next check is a minute away.
        response = client.get("/api/preschool/echo", headers=auth)
        assert response.status_code == 503 and response.json["service"] == "preschool"
        assert gw.health.snapshot()["preschool"].startswith("unavailable")
    finally:
        gw.close()
