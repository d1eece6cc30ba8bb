"""Which paths are public, the token check, and the identity headers passed to services."""
from __future__ import annotations

import json
import re
import threading
import time

from kabinet_kit.tokens import InvalidToken, JwksKeySource, Principal, TokenVerifier, bearer_token

# Paths (below /api/<service>) that need no token. Exact matches only.
PUBLIC_UPSTREAM_PATHS = {
    ("identity", "auth/token"),
    ("identity", "auth/refresh"),
    ("identity", "access-codes/redeem"),
    ("identity", ".well-known/jwks.json"),
}
# Any service's own spec and probes are public.
PUBLIC_ANY_SERVICE = {"openapi.json", "healthz", "readyz"}
# Never reachable through the gateway: internal operations endpoints.
BLOCKED_ANY_SERVICE = {"metrics"}

LOGIN_PATH = ("identity", "auth/token")
REDEEM_PATH = ("identity", "access-codes/redeem")

IDENTITY_HEADER_PREFIX = "x-kabinet-"
KEYS_UNAVAILABLE = "signing keys unavailable"
_SEGMENT_BAD = re.compile(r"(^|/)\.{1,2}(/|$)")


def is_public(service: str, path: str) -> bool:
    return (service, path) in PUBLIC_UPSTREAM_PATHS or path in PUBLIC_ANY_SERVICE


def is_blocked(path: str) -> bool:
    return path in BLOCKED_ANY_SERVICE


def has_dot_segments(path: str) -> bool:
    return bool(_SEGMENT_BAD.search(path))


class Authenticator:
    """Verifies bearer tokens; a token verified once is remembered (by its exact bytes) until
    it expires, so a client's repeated calls cost a dictionary lookup, not an RSA check.
    Revocation is checked on every call regardless (see RevocationList)."""

    def __init__(self, jwks_url: str, *, verifier: TokenVerifier | None = None, cache_size: int = 10_000,
                 clock=time.time):
        self.verifier = verifier or TokenVerifier(JwksKeySource(jwks_url, timeout=2.0))
        self.cache_size = cache_size
        self.clock = clock
        self._cache: dict[str, Principal] = {}
        self._lock = threading.Lock()

    def authenticate(self, authorization: str | None) -> Principal:
        token = bearer_token(authorization)
        if token is None:
            raise InvalidToken("missing bearer token")
        cached = self._cache.get(token)
        if cached is not None:
            if self.clock() < cached.claims["exp"]:
                return cached
            with self._lock:
                self._cache.pop(token, None)
            raise InvalidToken("token expired")
        principal = self.verifier.verify(token)
        with self._lock:
            if len(self._cache) >= self.cache_size:
                now = self.clock()
                for key in [k for k, p in self._cache.items() if p.claims["exp"] <= now] or list(self._cache)[
                        : self.cache_size // 10 or 1]:
                    self._cache.pop(key, None)
            self._cache[token] = principal
        return principal


def identity_headers(principal: Principal) -> dict[str, str]:
    """What the gateway tells services about the caller (after verifying the token)."""
    return {
        "X-Kabinet-Account-Id": principal.account_id,
        "X-Kabinet-Person-Id": principal.person_id,
        "X-Kabinet-Session-Id": principal.session_id,
        "X-Kabinet-Roles": json.dumps(list(principal.roles), separators=(",", ":"), ensure_ascii=True),
    }
