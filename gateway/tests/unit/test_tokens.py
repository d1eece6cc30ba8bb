"""Token checks at the gateway: only valid, unrevoked access tokens get through."""
import base64
import json
import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from kabinet_gateway.revocations import RevocationList

PROBLEM = "application/problem+json"


def _reaches_upstream(response):
    # The upstream in these tests is a closed port: 503 naming identity means auth passed.
    return response.status_code == 503 and response.json.get("service") == "identity"


@pytest.fixture
def client(make_app):
    return make_app().test_client()


def test_valid_token_reaches_upstream(client, mint):
    token, _ = mint()
    response = client.get("/api/identity/me", headers={"Authorization": f"Bearer {token}"})
    assert _reaches_upstream(response), response.json


def _b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _refused(client, header, reason_part):
    # The reason is matched in English, which a client gets by asking for it (Russian is the default).
    headers = {"Accept-Language": "en", **({"Authorization": header} if header else {})}
    response = client.get("/api/identity/me", headers=headers)
    assert response.status_code == 401, response.json
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert reason_part.lower() in response.json["detail"].lower()
    return response


def test_missing_and_malformed(client):
    _refused(client, None, "missing")
    _refused(client, "Basic dXNlcjpwYXNz", "missing")
    _refused(client, "Bearer not-a-jwt", "malformed")


def test_expired(client, mint):
    token, _ = mint(iat=int(time.time()) - 1000, exp=int(time.time()) - 10)
    _refused(client, f"Bearer {token}", "expired")


def test_tampered_payload(client, mint):
    token, claims = mint()
    header, _payload, signature = token.split(".")
    forged = _b64({**claims, "roles": [{"role": "department_officer"}]})
    _refused(client, f"Bearer {header}.{forged}.{signature}", "invalid token")


def test_signed_by_another_key(client, mint):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token, _ = mint(key=other)
    _refused(client, f"Bearer {token}", "invalid token")


def test_alg_none(client, mint):
    _token, claims = mint()
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': 'test-key-1'})}.{_b64(claims)}."
    _refused(client, f"Bearer {unsigned}", "algorithm")


def test_symmetric_alg_with_public_key_as_secret(client, mint, minter):
    from cryptography.hazmat.primitives import serialization
    _token, claims = mint()
    pem = minter.private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo)
    forged = f"{_b64({'alg': 'HS256', 'typ': 'JWT', 'kid': 'test-key-1'})}.{_b64(claims)}"
    import hashlib
    import hmac
    sig = base64.urlsafe_b64encode(hmac.new(pem, forged.encode(), hashlib.sha256).digest()).rstrip(b"=").decode()
    _refused(client, f"Bearer {forged}.{sig}", "algorithm")


def test_wrong_audience_issuer_and_type(client, mint):
    _refused(client, f"Bearer {mint(aud='other-system')[0]}", "audience")
    _refused(client, f"Bearer {mint(iss='someone-else')[0]}", "issuer")
    _refused(client, f"Bearer {mint(typ='refresh')[0]}", "not an access token")
    _refused(client, f"Bearer {mint(typ=None)[0]}", "typ")


def test_unknown_kid(client, mint):
    token, _ = mint(headers={"kid": "nope"})
    _refused(client, f"Bearer {token}", "unknown signing key")


def test_public_paths_need_no_token(client):
    for path in ("/api/identity/auth/token", "/api/identity/auth/refresh", "/api/identity/access-codes/redeem"):
        assert _reaches_upstream(client.post(path, json={}))
    for path in ("/api/identity/.well-known/jwks.json", "/api/identity/openapi.json"):
        assert _reaches_upstream(client.get(path))
    for path in ("/api/openapi.json", "/api/events/asyncapi.json", "/api/events", "/api/docs", "/healthz"):
        assert client.get(path).status_code == 200, path


def test_public_match_is_exact(client):
    # A public prefix followed by more path is not public.
    assert client.post("/api/identity/auth/token/extra").status_code == 401
    assert client.get("/api/identity/auth/token/../../me").status_code in (400, 401)


def test_revoked_session_account_and_password_change(make_app, mint):
    app = make_app()
    client = app.test_client()
    revocations: RevocationList = app.extensions["kabinet.gateway"].revocations
    token, claims = mint()
    ok = client.get("/api/identity/me", headers={"Authorization": f"Bearer {token}"})
    assert _reaches_upstream(ok)

    revocations.sessions.add(claims["sid"])
    _refused(client, f"Bearer {token}", "revoked")

    token2, claims2 = mint(iat=int(time.time()) - 60)
    revocations.accounts[claims2["sub"]] = int(time.time()) - 30  # password changed after iat
    _refused(client, f"Bearer {token2}", "revoked")
    token3, _ = mint(sub=claims2["sub"])  # a new login after the change passes
    assert _reaches_upstream(client.get("/api/identity/me", headers={"Authorization": f"Bearer {token3}"}))


def test_stale_revocation_list_fails_closed(make_app, mint):
    app = make_app()
    revocations = app.extensions["kabinet.gateway"].revocations
    revocations.start()
    revocations.refreshed_at = -1e9
    revocations.refresh = lambda: (_ for _ in ()).throw(RuntimeError("db down"))
    response = app.test_client().get("/api/identity/me", headers={"Authorization": f"Bearer {mint()[0]}"})
    assert response.status_code == 503 and response.mimetype == PROBLEM
    assert "отозванных токенов" in response.json["detail"]  # Russian, the default language


def test_identity_headers_set_after_verification(client, mint):
    from kabinet_gateway.auth import identity_headers
    from kabinet_kit.tokens import principal_from_claims
    _token, claims = mint()
    headers = identity_headers(principal_from_claims(claims))
    assert headers["X-Kabinet-Account-Id"] == claims["sub"]
    assert headers["X-Kabinet-Session-Id"] == claims["sid"]
    assert headers["X-Kabinet-Person-Id"] == claims["pid"]
    assert json.loads(headers["X-Kabinet-Roles"]) == claims["roles"]


def test_verified_tokens_are_cached_until_expiry(minter, mint):
    from kabinet_gateway.auth import Authenticator
    from kabinet_kit.tokens import InvalidToken, TokenVerifier
    calls = []
    verifier = TokenVerifier(minter.key_source, audience=minter.audience, issuer=minter.issuer)

    class Counting:
        def verify(self, token):
            calls.append(token)
            return verifier.verify(token)
    now = [time.time()]
    auth = Authenticator("unused", verifier=Counting(), cache_size=3, clock=lambda: now[0])
    token, claims = mint(exp=int(now[0]) + 60)
    assert auth.authenticate(f"Bearer {token}").account_id == claims["sub"]
    assert auth.authenticate(f"Bearer {token}").account_id == claims["sub"]
    assert len(calls) == 1
    now[0] += 61
    with pytest.raises(InvalidToken, match="expired"):
        auth.authenticate(f"Bearer {token}")
    for _ in range(5):  # the cache stays bounded
        auth.authenticate(f"Bearer {mint()[0]}")
    assert len(auth.verifier._cache) <= 3
    # A tampered variant is a different string: never served from the cache.
    header, payload, signature = token.split(".")
    with pytest.raises(InvalidToken):
        auth.authenticate(f"Bearer {header}.{payload}.{signature[:-2]}xx")
