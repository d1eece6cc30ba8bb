"""Shared fixtures: an RSA signing key, tokens minted like identity's, and a gateway app."""
from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from kabinet_gateway.testing import closed_port_url
from kabinet_kit.tokens import StaticKeySource, TokenVerifier

KID = "test-key-1"


@pytest.fixture(scope="session")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def jwks(rsa_key):
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key()))
    jwk.update(kid=KID, use="sig", alg="RS256")
    return {"keys": [jwk]}


@pytest.fixture(scope="session")
def mint(rsa_key):
    """mint(**overrides) -> (token, claims); ``headers`` overrides the JOSE header."""
    def _mint(key=None, headers=None, **overrides):
        now = int(time.time())
        claims = {"iss": "kabinet-identity", "aud": "kabinet", "typ": "access", "sub": str(uuid.uuid4()),
                  "pid": str(uuid.uuid4()), "sid": str(uuid.uuid4()), "iat": now, "exp": now + 900,
                  "roles": [{"role": "guardian", "organisation_id": None, "group_id": None}]}
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        token = jwt.encode(claims, key or rsa_key, algorithm="RS256", headers={"kid": KID, **(headers or {})})
        return token, claims
    return _mint


@pytest.fixture(scope="session")
def static_authenticator(rsa_key):
    from kabinet_gateway.auth import Authenticator
    public = rsa_key.public_key()
    return Authenticator("unused", verifier=TokenVerifier(StaticKeySource(lambda: {KID: public})))


@pytest.fixture
def make_app(static_authenticator):
    """A gateway app without a database (revocations in memory only) and chosen upstreams."""
    apps = []

    def _make(**settings):
        from kabinet_gateway.bootstrap import create_app
        settings.setdefault("database_url", None)
        settings.setdefault("authenticator", static_authenticator)
        settings.setdefault("upstreams", {"identity": closed_port_url()})
        app = create_app(settings)
        apps.append(app)
        return app
    yield _make
    for app in apps:
        app.extensions["kabinet.gateway"].close()
