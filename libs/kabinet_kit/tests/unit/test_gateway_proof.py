"""The gateway's proof on forwarded requests (issue 11, finding 4): a service answers a request
only with a fresh proof made for that request line and that token, with the shared secret."""
from __future__ import annotations

import logging
import stat

import pytest

from kabinet_kit import gateway_proof
from kabinet_kit.gateway_proof import HEADER, refusal, request_target, sign
from kabinet_kit.settings import shared_gateway_proof
from kabinet_kit.testing.client import signed_client
from kabinet_kit.web import create_base_app

SECRET = "s3cret"
NOW = 1_800_000_000.0
TOKEN = "Bearer aaa.bbb.ccc"


def _check(header: str | None, *, method: str = "GET", target: str = "/loads?mine=true", token: str | None = TOKEN,
           now: float = NOW, secret: str = SECRET) -> str | None:
    return refusal(secret, header, method, target, token, now=now)


def test_a_proof_vouches_for_its_own_request_only():
    good = sign(SECRET, "GET", "/loads?mine=true", TOKEN, now=NOW)
    assert _check(good) is None
    assert _check(good, now=NOW + 60) is None and _check(good, now=NOW - 60) is None  # clocks may differ a little
    assert _check(good, token="Bearer other") == "gateway proof does not match the request"
    assert _check(good, token=None) == "gateway proof does not match the request"
    assert _check(good, method="POST") is not None
    assert _check(good, target="/loads?mine=false") is not None and _check(good, target="/loads") is not None
    assert _check(good, secret="guessed") is not None
    assert _check(good, now=NOW + 61) == "stale gateway proof"
    assert _check(good, now=NOW - 61) == "stale gateway proof"
    assert _check(None) == "missing gateway proof"
    assert _check("t=abc,sig=00") == "malformed gateway proof"
    assert _check(good.replace("sig=", "sig=0")) is not None
    assert _check(good, secret="") == "no gateway proof secret is configured"
    # A request without a token is signed too (login): as the empty header.
    assert _check(sign(SECRET, "POST", "/auth/token", None, now=NOW), method="POST", target="/auth/token",
                  token=None) is None


def test_request_target_is_the_path_and_the_raw_query():
    assert request_target("/a/b", b"") == "/a/b"
    assert request_target("/a/b", b"x=1&y=%2F") == "/a/b?x=1&y=%2F"
    assert request_target("/группы", "x=1") == "/группы?x=1"


def _app(secret: str, public: tuple[str, ...] = ()):
    app, _ = create_base_app("demo", title="Demo", readiness={"database": lambda: True})
    gateway_proof.require_gateway_proof(app, secret, public=public)

    @app.get("/things/<name>")
    def thing(name: str):
        return {"name": name}

    @app.get("/.well-known/keys")
    def keys():
        return {"keys": []}
    return app


def test_a_service_answers_only_signed_requests_but_its_probes_and_public_paths():
    app = _app(SECRET, public=("/.well-known/keys",))
    direct = app.test_client()
    refused = direct.get("/things/ёлка?x=1", headers={"Authorization": TOKEN})
    assert refused.status_code == 401 and refused.headers["Content-Type"].startswith("application/problem+json")
    assert refused.json["reason"] == "missing gateway proof"
    assert direct.get("/nowhere").status_code == 401  # not even whether a path exists
    assert direct.get("/healthz").status_code == 200 and direct.get("/readyz").status_code == 200
    assert direct.get("/.well-known/keys").status_code == 200
    # The kit's test client signs as the gateway does (non-ASCII path and query included).
    signed = signed_client(app)
    assert signed.get("/things/ёлка?x=1", headers={"Authorization": TOKEN}).json == {"name": "ёлка"}
    header = sign(SECRET, "GET", "/things/ёлка?x=1", TOKEN)
    assert direct.get("/things/ёлка?x=1", headers={"Authorization": TOKEN, HEADER: header}).status_code == 200
    assert direct.get("/things/ёлка?x=2", headers={"Authorization": TOKEN, HEADER: header}).status_code == 401


def test_without_a_secret_every_api_request_is_refused_and_the_start_says_so(caplog):
    with caplog.at_level(logging.ERROR, logger="kabinet.gateway_proof"):
        app = _app("")
    assert "every API request will be refused" in caplog.text
    assert signed_client(app).get("/things/a").status_code == 401
    assert app.test_client().get("/things/a", headers={HEADER: sign("", "GET", "/things/a", None)}).status_code == 401
    assert app.test_client().get("/healthz").status_code == 200


def test_the_secret_comes_from_the_environment_or_the_secrets_folder(tmp_path):
    assert shared_gateway_proof({"KABINET_GATEWAY_PROOF": " from-env "}) == "from-env"
    folder = tmp_path / "secrets"
    assert shared_gateway_proof({"KABINET_SECRETS_DIR": str(folder)}) == ""
    path = gateway_proof.init_secret(folder)
    made = path.read_text()
    assert len(made) >= 32 and shared_gateway_proof({"KABINET_SECRETS_DIR": str(folder)}) == made
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert gateway_proof.init_secret(folder).read_text() == made  # made once, kept after


@pytest.mark.parametrize("configured", [True, False])
def test_service_settings_carry_the_shared_secret(monkeypatch, configured):
    from kabinet_kit.settings import ServiceSettings

    class DemoSettings(ServiceSettings, env_prefix="DEMO_"):
        service = "demo"
    monkeypatch.delenv("KABINET_SECRETS_DIR", raising=False)
    if configured:
        monkeypatch.setenv("KABINET_GATEWAY_PROOF", "shared")
    else:
        monkeypatch.delenv("KABINET_GATEWAY_PROOF", raising=False)
    assert DemoSettings.load().gateway_proof == ("shared" if configured else "")
    assert DemoSettings.load({"gateway_proof": "own"}).gateway_proof == "own"
