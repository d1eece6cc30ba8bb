"""Which paths are public, the token check, and the identity headers passed to services."""
from __future__ import annotations

import json
import re
import time

from kabinet_kit.tokens import CachingVerifier, InvalidToken, JwksKeySource, Principal, TokenVerifier, bearer_token

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
    """Verifies bearer tokens with identity's JWKS, each token once until it expires (see
    CachingVerifier). Revocation is checked on every call regardless (see RevocationList)."""

    def __init__(self, jwks_url: str, *, verifier: TokenVerifier | None = None, cache_size: int = 10_000,
                 clock=time.time):
        self.verifier = CachingVerifier(verifier or TokenVerifier(JwksKeySource(jwks_url, timeout=2.0)),
                                        size=cache_size, clock=clock)

    def authenticate(self, authorization: str | None) -> Principal:
        token = bearer_token(authorization)
        if token is None:
            raise InvalidToken("missing bearer token")
        return self.verifier.verify(token)


def identity_headers(principal: Principal) -> dict[str, str]:
    """What the gateway tells services about the caller (after verifying the token)."""
    return {
        "X-Kabinet-Account-Id": principal.account_id,
        "X-Kabinet-Person-Id": principal.person_id,
        "X-Kabinet-Session-Id": principal.session_id,
        "X-Kabinet-Roles": json.dumps(list(principal.roles), separators=(",", ":"), ensure_ascii=True),
    }
