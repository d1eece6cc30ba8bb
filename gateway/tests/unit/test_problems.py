"""Upstream failures and limits become problem+json with the right status."""

from kabinet_gateway.proxy import _classify
from kabinet_gateway.wire import WireError


def test_classification():
    assert _classify("journal", WireError("timeout", "read timed out")).status == 504
    assert _classify("journal", WireError("connect", "refused")).status == 503
    failure = _classify("journal", WireError("protocol", "invalid status line"))
    assert failure.status == 502 and failure.service == "journal" and "journal" in failure.detail


def test_unreachable_is_503_problem(make_app):
    response = make_app().test_client().post("/api/identity/auth/token", json={"login": "x", "password": "y"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json["service"] == "identity" and response.json["status"] == 503


def test_body_limit_is_413_before_contacting_upstream(make_app):
    client = make_app(max_body_bytes=1000).test_client()
    response = client.post("/api/identity/auth/token", data=b"x" * 2000, content_type="application/json")
    assert response.status_code == 413 and response.mimetype == "application/problem+json"


def test_unknown_service_and_blocked_and_dot_segments(make_app, mint):
    client = make_app().test_client()
    response = client.get("/api/nosuch/thing")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert client.get("/api/identity/metrics").status_code == 404
    token, _ = mint()
    response = client.get("/api/identity/a/../me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
