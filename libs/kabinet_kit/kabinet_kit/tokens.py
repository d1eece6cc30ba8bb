"""Access-token verification with keys from the issuer's JWKS.

Only RS256 is accepted (never ``none``, never a symmetric algorithm chosen by the token),
and ``exp``, ``aud``, ``iss`` and the token type are checked.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import jwt
import requests

ALGORITHM = "RS256"
ACCESS_TOKEN_TYPE = "access"


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Principal:
    """The caller as the token tells it. Services still check scopes on every object."""
    account_id: str
    person_id: str
    session_id: str
    roles: tuple[dict[str, Any], ...] = ()
    #: ``iat`` with its fraction of a second: revocation cut-offs compare it exactly.
    issued_at: float = 0.0
    claims: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def has_role(self, *roles: str) -> bool:
        return any(r.get("role") in roles for r in self.roles)


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    return Principal(account_id=claims["sub"], person_id=claims.get("pid", ""), session_id=claims.get("sid", ""),
                     roles=tuple(claims.get("roles", ())), issued_at=float(claims.get("iat", 0)), claims=claims)


class JwksKeySource:
    """Public keys by ``kid`` from a JWKS URL, cached; refetched at most every ``min_refresh``
    seconds when a token names a key id it does not know (key rotation)."""

    def __init__(self, url: str, *, timeout: float = 3.0, min_refresh: float = 10.0,
                 fetch: Callable[[str, float], dict[str, Any]] | None = None):
        self.url = url
        self.timeout = timeout
        self.min_refresh = min_refresh
        self._fetch = fetch or _http_get_json
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        document = self._fetch(self.url, self.timeout)
        keys = {}
        for jwk in document.get("keys", []):
            if jwk.get("kty") == "RSA" and jwk.get("kid"):
                keys[jwk["kid"]] = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
        self._keys = keys
        self._fetched_at = time.monotonic()

    def get(self, kid: str) -> Any:
        key = self._keys.get(kid)
        if key is not None:
            return key
        with self._lock:
            stale = not self._fetched_at or time.monotonic() - self._fetched_at >= self.min_refresh
            if kid not in self._keys and stale:
                try:
                    self._refresh()
                except (requests.RequestException, ValueError) as exc:
                    raise InvalidToken(f"signing keys unavailable: {exc}") from None
        key = self._keys.get(kid)
        if key is None:
            raise InvalidToken("unknown signing key")
        return key


class LocalKeySource:
    """Keys known in-process (the issuer verifying its own tokens): a lookup by kid."""

    def __init__(self, lookup: Callable[[str], Any]):
        self._lookup = lookup

    def get(self, kid: str) -> Any:
        key = self._lookup(kid)
        if key is None:
            raise InvalidToken("unknown signing key")
        return key


class StaticKeySource(LocalKeySource):
    """Keys from a fixed mapping (tests, keys configured by hand)."""

    def __init__(self, keys: Callable[[], dict[str, Any]]):
        super().__init__(lambda kid: keys().get(kid))


def _http_get_json(url: str, timeout: float) -> dict[str, Any]:
    response = requests.get(url, timeout=timeout)
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


class KeySource(Protocol):
    def get(self, kid: str) -> Any: ...


class Verifier(Protocol):
    def verify(self, token: str) -> Principal: ...


class TokenVerifier:
    def __init__(self, keys: KeySource, *, audience: str, issuer: str, leeway: int = 0):
        self.keys = keys
        self.audience = audience
        self.issuer = issuer
        self.leeway = leeway

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"malformed token: {exc}") from None
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("unexpected signing algorithm")
        kid = header.get("kid")
        if not kid:
            raise InvalidToken("token names no key")
        key = self.keys.get(kid)
        try:
            claims = jwt.decode(token, key=key, algorithms=[ALGORITHM], audience=self.audience, issuer=self.issuer,
                                leeway=self.leeway, options={"require": ["exp", "iat", "sub", "aud", "iss", "typ"]})
        except jwt.ExpiredSignatureError:
            raise InvalidToken("token expired") from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"invalid token: {exc}") from None
        if claims.get("typ") != ACCESS_TOKEN_TYPE:
            raise InvalidToken("not an access token")
        return principal_from_claims(claims)


class CachingVerifier:
    """A verifier that remembers the tokens it has verified, by their exact bytes, until each
    one's own expiry: a client's repeated calls cost a dictionary lookup, not an RSA check.
    A tampered token is a different string and is verified afresh. Bounded: when full, expired
    entries go first, then the oldest tenth."""

    def __init__(self, verifier: Verifier, *, size: int = 10_000, clock: Callable[[], float] = time.time):
        self.verifier = verifier
        self.size = size
        self.clock = clock
        self._cache: dict[str, Principal] = {}
        self._lock = threading.Lock()

    def verify(self, token: str) -> Principal:
        cached = self._cache.get(token)
        if cached is not None:
            if self.clock() < cached.claims["exp"]:
                return cached
            with self._lock:
                self._cache.pop(token, None)
            raise InvalidToken("token expired")
        principal = self.verifier.verify(token)
        with self._lock:
            if len(self._cache) >= self.size:
                now = self.clock()
                stale = [k for k, p in self._cache.items() if p.claims["exp"] <= now]
                for key in stale or list(self._cache)[: self.size // 10 or 1]:
                    self._cache.pop(key, None)
            self._cache[token] = principal
        return principal


def bearer_token(authorization_header: str | None) -> str | None:
    if not authorization_header:
        return None
    scheme, _, value = authorization_header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
