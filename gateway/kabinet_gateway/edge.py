"""What the gateway works out about each request: the client, the forwarding headers, the caller."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request

from kabinet_kit.tokens import InvalidToken, Principal

from .auth import KEYS_UNAVAILABLE
from .browser import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE, cookies, csrf_matches, origin_refusal
from .gateway import Gateway, current_gateway
from .observability import count_auth_failure
from .problems import GatewayProblem, unauthenticated
from .revocations import FEED_SOURCE


def client_ip() -> str:
    hops = current_gateway().settings.trusted_proxy_hops
    if hops > 0:
        chain = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",") if p.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return request.remote_addr or "unknown"


def forwarding_headers(prefix: str) -> dict[str, str]:
    return {
        "X-Request-ID": g.request_id,
        "X-Correlation-ID": g.correlation_id,
        "X-Forwarded-For": client_ip(),
        "X-Forwarded-Proto": request.scheme,
        "X-Forwarded-Host": request.host,
        "X-Forwarded-Prefix": prefix,
    }


@dataclass(frozen=True)
class Caller:
    principal: Principal
    #: What the services get as Authorization: the client's own header, or the cookie's token.
    authorization: str
    via_cookie: bool


def own_origin() -> str:
    return f"{request.scheme}://{request.host}"


def authenticate_request(upstream: str | None) -> Principal:
    """Verify the caller (bearer token, else the browser session's cookie) and check revocations;
    raises GatewayProblem (401/403/503). A call to ``upstream`` is refused while the revocation
    feed is stale, unless it is identity; None: the caller asks ``feed_refusal`` per upstream
    itself (the overview)."""
    gw = current_gateway()
    headers = request.headers
    caller = check_caller(gw, request.method, headers.get("Authorization"), headers.get("Cookie"),
                          headers.get("Origin"), headers.get(CSRF_HEADER), own_origin(), upstream)
    g.principal = caller.principal
    g.caller = caller
    return caller.principal


def check_caller(gw: Gateway, method: str, authorization: str | None, cookie_header: str | None,
                 origin: str | None, csrf: str | None, own: str, upstream: str | None) -> Caller:
    """The framework-free check behind ``authenticate_request`` (the proxy's fast path uses it too)."""
    via_cookie = False
    if not authorization:
        token = cookies(cookie_header).get(SESSION_COOKIE)
        if token:
            authorization, via_cookie = f"Bearer {token}", True
    try:
        principal = gw.authenticator.authenticate(authorization)
    except InvalidToken as exc:
        if str(exc).startswith(KEYS_UNAVAILABLE):
            raise GatewayProblem(503, "Token signing keys cannot be fetched from identity; retry later.",
                                 service="identity") from None
        count_auth_failure(str(exc), gw.metrics)
        raise unauthenticated(str(exc)) from None
    gw.revocations.start()
    if not gw.revocations.fresh:
        raise GatewayProblem(503, "The revocation list cannot be read; authenticated calls are refused until it can.")
    if gw.revocations.is_revoked(principal.account_id, principal.session_id, principal.issued_at):
        count_auth_failure("revoked", gw.metrics)
        raise unauthenticated("token revoked")
    if via_cookie and method not in SAFE_METHODS:
        refusal = origin_refusal(origin, gw.cors_origins, own)
        if refusal is None and not csrf_matches(gw.csrf_key, principal.session_id, csrf):
            refusal = f"A change through the browser session needs the session's {CSRF_HEADER} header."
        if refusal is not None:
            count_auth_failure("csrf", gw.metrics)
            raise GatewayProblem(403, refusal, code="csrf-failed")
    refused = feed_refusal(upstream, gw) if upstream is not None else None
    if refused is not None:
        raise refused
    assert authorization is not None, "a verified caller had a token"
    return Caller(principal, authorization, via_cookie)


def feed_refusal(upstream: str, gw: Gateway | None = None) -> GatewayProblem | None:
    """The 503 for an authenticated call to ``upstream`` while the revocation feed is stale."""
    revocations = (gw or current_gateway()).revocations
    if upstream == FEED_SOURCE or revocations.feed_fresh:
        return None
    return GatewayProblem(503, f"Revocation feed stale ({revocations.feed_state()}): the gateway cannot tell whether "
                          "the token was revoked; only identity, which checks its own records, answers meanwhile.",
                          headers={"Retry-After": "5"}, service=upstream)
