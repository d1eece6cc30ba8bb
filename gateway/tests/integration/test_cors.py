"""Issue 12: browser front ends on configured origins may call the API cross-origin. A preflight
is answered 204 before any token check (it was a 401), a listed origin is allowed with the
headers a client script needs, any other origin gets no CORS headers; nothing is allowed by
default (same-origin only)."""
from __future__ import annotations

import pytest
import requests

from kabinet_gateway.bootstrap import create_app
from kabinet_kit.testing.http import serve

FRONT = "https://kabinet-front.example"
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type"}


def _gateway(upstream_url, minter, **settings):
    return create_app({"database_url": None, "key_source": minter.key_source,
                       "upstreams": {"identity": upstream_url, "journal": upstream_url}, **settings})


@pytest.fixture
def auth(mint):
    return {"Authorization": f"Bearer {mint()[0]}"}


@pytest.fixture(scope="module")
def gateway(upstream_url, minter):
    app = _gateway(upstream_url, minter, cors_origins=f"{FRONT}, http://localhost:5173")
    with serve(app) as url:
        yield url
    app.extensions["kabinet.gateway"].close()


def test_a_preflight_from_a_listed_origin_is_allowed_without_a_token(gateway):
    response = requests.options(f"{gateway}/api/journal/loads/x/grid", headers={"Origin": FRONT, **PREFLIGHT})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == FRONT
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-type", "idempotency-key", "if-match"} <= allowed
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Origin" in response.headers["Vary"]
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_an_actual_request_from_a_listed_origin_may_read_the_answer(gateway, auth):
    response = requests.get(f"{gateway}/api/identity/echo", headers={"Origin": FRONT, **auth})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == FRONT
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "Location", "X-Request-ID"} <= exposed
    assert "Origin" in response.headers["Vary"]
    # Refusals too: a script must be able to read the problem.
    refused = requests.get(f"{gateway}/api/identity/echo", headers={"Origin": FRONT})
    assert refused.status_code == 401 and refused.headers["Access-Control-Allow-Origin"] == FRONT


def test_another_origin_gets_no_cors_headers(gateway, auth):
    preflight = requests.options(f"{gateway}/api/identity/echo",
                                 headers={"Origin": "https://evil.example", **PREFLIGHT})
    assert preflight.status_code == 204
    assert not [h for h in preflight.headers if h.lower().startswith("access-control-")]
    actual = requests.get(f"{gateway}/api/identity/echo", headers={"Origin": "https://evil.example", **auth})
    assert actual.status_code == 200
    assert not [h for h in actual.headers if h.lower().startswith("access-control-")]
    assert "Origin" in actual.headers["Vary"]


def test_nothing_is_allowed_cross_origin_by_default(upstream_url, minter, auth):
    app = _gateway(upstream_url, minter)
    client = app.test_client()
    preflight = client.options("/api/journal/loads/x/grid", headers={"Origin": FRONT, **PREFLIGHT})
    assert preflight.status_code == 204
    assert not [k for k, _v in preflight.headers.items() if k.lower().startswith("access-control-")]
    actual = client.get("/api/identity/echo", headers={"Origin": FRONT, **auth})
    assert "Access-Control-Allow-Origin" not in actual.headers
    app.extensions["kabinet.gateway"].close()


def test_an_origin_must_be_an_origin():
    from kabinet_gateway.config import Settings
    for bad in ("*", "https://front.example/app", "front.example"):
        with pytest.raises(ValueError):
            Settings.load({"cors_origins": bad, "database_url": None})
