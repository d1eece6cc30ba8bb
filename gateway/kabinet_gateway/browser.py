"""A browser's session beside the bearer tokens: the access token in an httpOnly cookie, and
what keeps another site from using it (CSRF).

The cookie ``kabinet_session`` holds the access token identity issued, so it is checked exactly
like a bearer token — signature, expiry and the same revocation list: a logout, a password change
or a revoked session ends it too. ``kabinet_refresh`` holds the refresh token and goes only to
``/api/session`` (its path), where the gateway renews the pair.

A request the cookie authenticates may change state (anything but GET/HEAD/OPTIONS) only with
both an ``Origin`` the gateway trusts (its own, or one of ``GATEWAY_CORS_ORIGINS``) and an
``X-CSRF-Token`` equal to the session's token: an HMAC of the session id under a key only the
gateway holds (derived from its proof secret), given to the page by the login's answer and by
``GET /api/session``, never in a cookie a sibling site could plant. A request carrying an
``Authorization`` header is a bearer request: the cookie is ignored and none of this applies.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from http.cookies import SimpleCookie

SESSION_COOKIE = "kabinet_session"
REFRESH_COOKIE = "kabinet_refresh"
CSRF_HEADER = "X-CSRF-Token"
SESSION_PATH = "/api"
REFRESH_PATH = "/api/session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OUR_COOKIES = frozenset({SESSION_COOKIE, REFRESH_COOKIE})


def csrf_key(secret: str) -> bytes:
    """The CSRF key, apart from the proof secret it is derived from (a proof is never a CSRF token)."""
    return hmac.new(secret.encode("utf-8"), b"kabinet-gateway-csrf-v1", hashlib.sha256).digest() if secret else b""


def csrf_token(key: bytes, session_id: str) -> str:
    return hmac.new(key, b"csrf|" + session_id.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_matches(key: bytes, session_id: str, given: str | None) -> bool:
    return bool(key and session_id and given) and hmac.compare_digest(csrf_token(key, session_id), given or "")


def cookies(header: str | None) -> dict[str, str]:
    if not header:
        return {}
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed Cookie header is no session, not a failure
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def without_our_cookies(header: str) -> str | None:
    """The Cookie header with the gateway's own cookies taken out (services never see them)."""
    kept = [part for part in header.split(";") if part.strip() and part.split("=", 1)[0].strip() not in OUR_COOKIES]
    return "; ".join(p.strip() for p in kept) or None


def origin_refusal(origin: str | None, allowed: frozenset[str] | set[str], own: str) -> str | None:
    """Why a cookie-authenticated change from ``origin`` is refused, or None."""
    if not origin:
        return "A browser session may change data only from a page that names its Origin."
    if origin != own and origin not in allowed:
        return "This origin may not use the browser session."
    return None


@dataclass(frozen=True)
class CookieOptions:
    secure: bool
    same_site: str  # Strict | Lax | None

    def set(self, name: str, value: str, path: str) -> str:
        parts = [f"{name}={value}", f"Path={path}", "HttpOnly", f"SameSite={self.same_site}"]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)

    def clear(self, name: str, path: str) -> str:
        parts = [f"{name}=", f"Path={path}", "Max-Age=0", "Expires=Thu, 01 Jan 1970 00:00:00 GMT", "HttpOnly",
                 f"SameSite={self.same_site}"]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)

    def session_cookies(self, access_token: str, refresh_token: str) -> list[str]:
        return [self.set(SESSION_COOKIE, access_token, SESSION_PATH), self.set(REFRESH_COOKIE, refresh_token,
                                                                               REFRESH_PATH)]

    def cleared(self) -> list[str]:
        return [self.clear(SESSION_COOKIE, SESSION_PATH), self.clear(REFRESH_COOKIE, REFRESH_PATH)]
