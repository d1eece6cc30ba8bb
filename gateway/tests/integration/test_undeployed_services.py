"""Services that are not configured receive nothing from the gateway, whatever listens on their
default local ports."""
from __future__ import annotations

import socket
import threading

import pytest
import requests

from kabinet_gateway.bootstrap import create_app
from kabinet_kit.testing.http import serve


class Listener:
    """A plain socket on a loopback port that records every byte anyone sends it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.received = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.settimeout(0.5)
            try:
                self.received += conn.recv(65536)
            except OSError:
                pass
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listeners(monkeypatch):
    """Listeners where portfolio and reports would be by default (their ``<SERVICE>_PORT``)."""
    portfolio, reports = Listener(), Listener()
    monkeypatch.setenv("PORTFOLIO_PORT", str(portfolio.port))
    monkeypatch.setenv("REPORTS_PORT", str(reports.port))
    for name in ("PORTFOLIO_URL", "REPORTS_URL", "GATEWAY_UPSTREAMS"):
        monkeypatch.delenv(name, raising=False)
    yield portfolio, reports
    portfolio.close()
    reports.close()


@pytest.mark.parametrize("configured_by", ["service urls", "gateway upstreams"])
def test_services_not_configured_receive_no_request_and_no_token(upstream_url, minter, mint, listeners,
                                                                   monkeypatch, configured_by, feed_alive):
    """issue 11, finding 7: with only identity, journal and preschool configured, a process on
    portfolio's (or reports') default port gets nothing when a guardian loads the home screen."""
    deployed = ("identity", "journal", "preschool")
    # Portfolio and reports are deployed by default since issues 13 and 14: this deployment
    # removes them (an empty URL).
    if configured_by == "service urls":
        for name in deployed:
            monkeypatch.setenv(f"{name.upper()}_URL", upstream_url)
        monkeypatch.setenv("PORTFOLIO_URL", "")
        monkeypatch.setenv("REPORTS_URL", "")
    else:
        monkeypatch.setenv("GATEWAY_UPSTREAMS", ",".join(f"{name}={upstream_url}" for name in deployed)
                           + ",portfolio=,reports=")
    app = feed_alive(create_app({"database_url": None, "key_source": minter.key_source}))
    token = mint()[0]
    try:
        with serve(app) as url:
            auth = {"Authorization": f"Bearer {token}"}
            overview = requests.get(f"{url}/api/me/overview", headers=auth, timeout=10)
            direct = requests.get(f"{url}/api/portfolio/pupils/c1/points", headers=auth, timeout=5)
            reports = requests.get(f"{url}/api/reports/anything", headers=auth, timeout=5)
            requests.get(f"{url}/readyz", timeout=5)
            requests.get(f"{url}/api/openapi.json", timeout=5)
    finally:
        app.extensions["kabinet.gateway"].close()

    received = b"".join(listener.received for listener in listeners)
    assert token.encode() not in received, "a guardian's bearer token went to an undeployed service's port"
    assert [listener.connections for listener in listeners] == [0, 0] and received == b""
    assert overview.status_code == 200, overview.text
    children = overview.json()["children"]
    assert children and all(child["portfolio_points"] == {"status": "missing", "service": "portfolio",
                                                          "reason": "not deployed"} for child in children)
    assert children[0]["diary"]["status"] == "ok"
    assert direct.status_code == 404 and reports.status_code == 404


def test_a_service_given_a_url_is_configured(upstream_url, minter, mint, listeners, monkeypatch,
                                            feed_alive):
    """issue 11, finding 7: portfolio is configured once its URL is set explicitly, and only then;
    even then it gets requests only while healthy: this listener never answers its health check,
    so it gets the check and nothing else, and the caller a 503."""
    portfolio, _reports = listeners
    monkeypatch.setenv("GATEWAY_UPSTREAMS", f"identity={upstream_url},reports=")
    monkeypatch.setenv("PORTFOLIO_URL", f"http://127.0.0.1:{portfolio.port}")
    app = feed_alive(create_app({"database_url": None, "key_source": minter.key_source, "read_timeout": 0.5}))
    try:
        assert set(app.extensions["kabinet.gateway"].upstreams) == {"identity", "journal", "preschool", "portfolio"}
        with serve(app) as url:
            token = mint()[0]
            refused = requests.get(f"{url}/api/portfolio/pupils/c1/points",
                                   headers={"Authorization": f"Bearer {token}"}, timeout=5)
    finally:
        app.extensions["kabinet.gateway"].close()
    assert refused.status_code == 503 and refused.json()["service"] == "portfolio"
    assert portfolio.connections >= 1 and portfolio.received.startswith(b"GET /healthz ")
    assert token.encode() not in portfolio.received and b"/pupils/" not in portfolio.received
