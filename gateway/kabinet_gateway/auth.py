"""Which paths are public, the token check, and the identity headers passed to services."""
from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from kabinet_kit.settings import ServiceSettings
from kabinet_kit.tokens import CachingVerifier, InvalidToken, JwksKeySource, Principal, TokenVerifier, bearer_token

# Paths (below /api/<service>) that need no token. Exact matches only.
PUBLIC_UPSTREAM_PATHS = {
    ("identity", "auth/token"),
    ("identity", "auth/refresh"),
    ("identity", "access-codes/redeem"),
    ("identity", ".well-known/jwks.json"),
}
# Any service's own spec and probes are public.
PUBLIC_ANY_SERVICE = {"openapi.json"}
# Never reachable through the gateway: internal operations endpoints (the first path segment);
# the gateway's own /readyz reports the services' health to those allowed to see it.
BLOCKED_ANY_SERVICE = {"metrics", "readyz", "healthz"}

LOGIN_PATH = ("identity", "auth/token")
REDEEM_PATH = ("identity", "access-codes/redeem")

IDENTITY_HEADER_PREFIX = "x-kabinet-"
KEYS_UNAVAILABLE = "signing keys unavailable"
_SEGMENT_BAD = re.compile(r"(^|/)\.{1,2}(/|$)")


def is_public(service: str, path: str) -> bool:
    return (service, path) in PUBLIC_UPSTREAM_PATHS or path in PUBLIC_ANY_SERVICE


def is_blocked(path: str) -> bool:
    return path.split("/", 1)[0] in BLOCKED_ANY_SERVICE


def path_refusal(path: str) -> str | None:
    """Why the (once-decoded) path may not be forwarded, or None.

    Every rule here and in ``is_public``/``is_blocked``/the rate limits looks at this one decoded
    form, and the service must route on the same string: a '%' left after decoding would be
    decoded again upstream (``%256d`` → ``%6d`` → ``m``), and dot or empty segments may be
    normalised there into another path."""
    if "%" in path:
        return "Percent-encoded '%' is not allowed in paths."
    if _SEGMENT_BAD.search(path):
        return "Path segments '.' and '..' are not allowed."
    if path.startswith("/") or "//" in path:
        return "Empty path segments are not allowed."
    return None


class Authenticator:
    """Verifies bearer tokens, each token once until it expires (see CachingVerifier).
    Revocation is checked on every call regardless (see RevocationList).

    ``verifier`` replaces the check with keys from ``jwks_url``, which needs the tokens'
    ``audience`` and ``issuer``."""

    def __init__(self, jwks_url: str, *, verifier: Any = None, audience: str | None = None,
                 issuer: str | None = None, cache_size: int = 10_000, clock: Callable[[], float] = time.time):
        if verifier is None:
            if audience is None or issuer is None:
                raise ValueError("verifying with the JWKS needs the tokens' audience and issuer")
            verifier = TokenVerifier(JwksKeySource(jwks_url, timeout=2.0), audience=audience, issuer=issuer)
        self.verifier = CachingVerifier(verifier, size=cache_size, clock=clock)

    @classmethod
    def for_settings(cls, settings: ServiceSettings) -> Authenticator:
        """Identity's JWKS, or the key source the settings carry (tests)."""
        if settings.key_source is None:
            return cls(settings.jwks_url, audience=settings.token_audience, issuer=settings.token_issuer)
        return cls(settings.jwks_url, verifier=TokenVerifier(settings.key_source, audience=settings.token_audience,
                                                             issuer=settings.token_issuer))

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
