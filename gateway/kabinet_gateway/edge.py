"""What the gateway works out about each request: the client, the forwarding headers, the caller."""
from __future__ import annotations

from flask import g, request

from kabinet_kit.tokens import InvalidToken, Principal

from .auth import KEYS_UNAVAILABLE
from .gateway import current_gateway
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


def authenticate_request(upstream: str | None) -> Principal:
    """Verify the bearer token and check revocations; raises GatewayProblem (401/503). A call to
    ``upstream`` is refused while the revocation feed is stale, unless it is identity; None: the
    caller asks ``feed_refusal`` per upstream itself (the overview)."""
    gw = current_gateway()
    try:
        principal = gw.authenticator.authenticate(request.headers.get("Authorization"))
    except InvalidToken as exc:
        if str(exc).startswith(KEYS_UNAVAILABLE):
            raise GatewayProblem(503, "Token signing keys cannot be fetched from identity; retry later.",
                                 service="identity") from None
        count_auth_failure(str(exc))
        raise unauthenticated(str(exc)) from None
    gw.revocations.start()
    if not gw.revocations.fresh:
        raise GatewayProblem(503, "The revocation list cannot be read; authenticated calls are refused until it can.")
    if gw.revocations.is_revoked(principal.account_id, principal.session_id, principal.issued_at):
        count_auth_failure("revoked")
        raise unauthenticated("token revoked")
    refusal = feed_refusal(upstream) if upstream is not None else None
    if refusal is not None:
        raise refusal
    g.principal = principal
    return principal


def feed_refusal(upstream: str) -> GatewayProblem | None:
    """The 503 for an authenticated call to ``upstream`` while the revocation feed is stale."""
    revocations = current_gateway().revocations
    if upstream == FEED_SOURCE or revocations.feed_fresh:
        return None
    return GatewayProblem(503, f"Revocation feed stale ({revocations.feed_state()}): the gateway cannot tell whether "
                          "the token was revoked; only identity, which checks its own records, answers meanwhile.",
                          headers={"Retry-After": "5"}, service=upstream)
