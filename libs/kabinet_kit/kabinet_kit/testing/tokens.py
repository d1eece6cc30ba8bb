"""One token minter for every test and benchmark: access tokens signed as identity signs them."""
from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from ..tokens import ACCESS_TOKEN_TYPE, ALGORITHM, StaticKeySource

TEST_ISSUER = "kabinet-identity"
TEST_AUDIENCE = "kabinet"


class TokenMinter:
    """RS256 access tokens (kid, aud, iss, typ=access) with a key of the test's own.

    Pass ``minter.key_source`` to a service's ``create_app({"key_source": ...})`` so that it
    trusts these tokens instead of fetching identity's JWKS."""

    def __init__(self, kid: str = "test-key", *, issuer: str = TEST_ISSUER, audience: str = TEST_AUDIENCE,
                 private_key: rsa.RSAPrivateKey | None = None):
        self.kid = kid
        self.issuer = issuer
        self.audience = audience
        self.private_key = private_key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.keys: dict[str, Any] = {kid: self.private_key.public_key()}
        self.key_source = StaticKeySource(lambda: self.keys)

    def jwks(self) -> dict[str, Any]:
        """The public keys as the issuer publishes them (``/.well-known/jwks.json``)."""
        keys = []
        for kid, public_key in self.keys.items():
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(public_key))
            keys.append({**jwk, "kid": kid, "use": "sig", "alg": ALGORITHM})
        return {"keys": keys}

    def claims(self, account_id: str, person_id: str, *, roles: tuple[dict[str, Any], ...] | list[Any] = (),
               ttl: int = 900, **extra: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": account_id, "pid": person_id, "sid": str(uuid.uuid4()), "typ": ACCESS_TOKEN_TYPE,
            "aud": self.audience, "iss": self.issuer, "iat": now, "exp": now + ttl, "roles": list(roles)}
        claims.update(extra)
        # None removes a claim: for tests of tokens that lack one.
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, account_id: str, person_id: str, *, roles: tuple[dict[str, Any], ...] | list[Any] = (),
              ttl: int = 900, key: Any = None, headers: dict[str, Any] | None = None, **extra: Any) -> str:
        claims = self.claims(account_id, person_id, roles=roles, ttl=ttl, **extra)
        return self.encode(claims, key=key, headers=headers)

    def encode(self, claims: dict[str, Any], *, key: Any = None, headers: dict[str, Any] | None = None) -> str:
        return jwt.encode(claims, key or self.private_key, algorithm=ALGORITHM,
                          headers={"kid": self.kid, **(headers or {})})
