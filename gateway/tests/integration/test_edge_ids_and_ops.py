"""The gateway's own request ids and its operations endpoints (issue 11, Low list)."""
from __future__ import annotations

import json
import logging

import pytest
import requests

from kabinet_gateway.bootstrap import create_app
from kabinet_kit.logs import JsonFormatter
from kabinet_kit.testing.http import serve

OUTSIDER = {"REMOTE_ADDR": "203.0.113.5"}


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter("gateway"))
        self.lines: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def access_lines():
    handler, logger = _Lines(), logging.getLogger("kabinet.access")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(old_level)


@pytest.fixture(scope="module")
def gateway(upstream_url, minter, feed_alive):
    app = feed_alive(create_app({"database_url": None, "key_source": minter.key_source,
                                 "upstreams": {"identity": upstream_url, "journal": upstream_url}}))
    with serve(app) as url:
        yield url
    app.extensions["kabinet.gateway"].close()


def test_client_request_id_is_logged_beside_our_own(gateway, mint, access_lines):
    """issue 11, finding 1: a client's X-Request-ID is not taken as the gateway's request id;
    the gateway makes its own, passes it to the service, and logs the client's separately."""
    token, _ = mint()
    response = requests.get(f"{gateway}/api/journal/echo", timeout=5, headers={
        "Authorization": f"Bearer {token}", "X-Request-ID": "attacker-chosen", "X-Correlation-ID": "evil-corr"})
    assert response.status_code == 200
    ours = response.headers["X-Request-ID"]
    assert ours and ours != "attacker-chosen"
    forwarded = response.json()["headers"]
    assert forwarded["X-Request-Id"] == ours
    assert forwarded["X-Correlation-Id"] == ours  # what the service writes into its events
    line = next(e for e in access_lines if e.get("path") == "/api/journal/echo")
    assert line["request_id"] == ours and line["client_request_id"] == "attacker-chosen"


def test_client_request_id_is_validated_and_cut(gateway, mint, access_lines):
    """issue 11, finding 1: what a client sends is logged only in the allowed form and length."""
    token, _ = mint()
    for sent, logged in (("a" * 500, "a" * 128), ("bad id {\"json\": 1}", None)):
        requests.get(f"{gateway}/api/journal/echo", timeout=5,
                     headers={"Authorization": f"Bearer {token}", "X-Request-ID": sent})
        line = [e for e in access_lines if e.get("path") == "/api/journal/echo"][-1]
        assert line.get("client_request_id") == logged


@pytest.fixture
def app(make_app, upstream_url):
    return make_app(upstreams={"identity": upstream_url, "journal": upstream_url})


def test_metrics_only_for_allowed_addresses(app):
    """issue 11, finding 2: the gateway's /metrics is not served to an outside client."""
    client = app.test_client()
    assert client.get("/metrics", environ_base=OUTSIDER).status_code == 404
    assert client.get("/metrics").status_code == 200  # loopback: the default allow-list


def test_metrics_allow_list_is_configurable_and_sees_through_proxies(make_app):
    """issue 11, finding 2: GATEWAY_OPS_ALLOW names the scrapers; behind a trusted proxy the
    client's address (not the proxy's loopback one) decides."""
    app = make_app(ops_allow="10.0.0.0/8")
    assert app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert app.test_client().get("/metrics").status_code == 404
    proxied = make_app(trusted_proxy_hops=1)
    assert proxied.test_client().get("/metrics", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 404


def test_readyz_detail_only_for_allowed_addresses(app):
    """issue 11, finding 2: everyone learns the gateway's readiness, only operators the details."""
    client = app.test_client()
    outside = client.get("/readyz", environ_base=OUTSIDER)
    inside = client.get("/readyz")
    assert outside.status_code == inside.status_code
    assert outside.json == {"status": inside.json["status"]}
    assert "upstreams" in inside.json and "checks" in inside.json


@pytest.mark.parametrize("endpoint", ["metrics", "readyz", "healthz"])
def test_service_operations_endpoints_are_not_forwarded(app, mint, endpoint):
    """issue 11, finding 2: /api/<service>/{metrics,readyz,healthz} never reach the service."""
    token, _ = mint()
    response = app.test_client().get(f"/api/journal/{endpoint}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert "не опубликован" in response.json["detail"]
