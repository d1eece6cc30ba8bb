"""Services' operations endpoints: who may read /metrics and /readyz's detail (issue 11, Low list)."""
from __future__ import annotations

from kabinet_kit.settings import ServiceSettings
from kabinet_kit.web import create_base_app

OUTSIDER = {"REMOTE_ADDR": "203.0.113.5"}


class _Settings(ServiceSettings, env_prefix="DEMO_"):
    service = "demo"


def _app(**options):
    def broken() -> bool:
        raise ConnectionRefusedError("10.0.0.7:5432")
    app, _ = create_base_app("demo", title="Demo", readiness={"database": lambda: True, "broker": broken},
                             **options)
    return app


def test_readyz_detail_only_for_allowed_addresses():
    """issue 11, finding 2: a service's /readyz tells anyone whether it is ready, but which
    dependency failed and how only to the operations addresses (loopback by default)."""
    client = _app().test_client()
    outside = client.get("/readyz", environ_base=OUTSIDER)
    assert outside.status_code == 503 and outside.json == {"status": "not ready"}
    inside = client.get("/readyz")
    assert inside.status_code == 503
    assert inside.json["checks"] == {"database": "ok", "broker": "unavailable: ConnectionRefusedError"}


def test_metrics_only_for_allowed_addresses():
    """issue 11, finding 2: /metrics is served to the configured scrapers only."""
    app = _app(ops_allow=("10.0.0.0/8",))
    assert app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code == 200
    assert app.test_client().get("/metrics", environ_base=OUTSIDER).status_code == 404
    assert app.test_client().get("/metrics").status_code == 404
    assert app.test_client().get("/readyz", environ_base={"REMOTE_ADDR": "10.9.8.7"}).json["checks"]


def test_ops_allow_setting(monkeypatch):
    """issue 11, finding 2: <PREFIX>_OPS_ALLOW lists networks; loopback by default; a bad one stops the process."""
    assert _Settings.load().ops_allow == ("127.0.0.0/8", "::1/128")
    monkeypatch.setenv("DEMO_OPS_ALLOW", "10.0.0.0/8, 192.168.1.5")
    assert _Settings.load().ops_allow == ("10.0.0.0/8", "192.168.1.5/32")
    monkeypatch.setenv("DEMO_OPS_ALLOW", "not-a-network")
    try:
        _Settings.load()
    except ValueError as exc:
        assert "ops_allow" in str(exc)
    else:
        raise AssertionError("a bad network was accepted")


def test_services_keep_the_gateways_request_id():
    """issue 11, finding 1: a service's caller is the gateway, so its (valid) id is kept; an
    invalid one is replaced, never logged as the service's own."""
    client = _app().test_client()
    assert client.get("/healthz", headers={"X-Request-ID": "gw-1"}).headers["X-Request-ID"] == "gw-1"
    assert client.get("/healthz", headers={"X-Request-ID": "bad id"}).headers["X-Request-ID"] != "bad id"
