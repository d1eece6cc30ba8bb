"""``/api/session``: a browser logs in, renews and logs out with cookies (kabinet_gateway.browser).

Identity stays the one that issues and ends sessions: the login is identity's ``auth/token``, the
renewal its ``auth/refresh``, the logout its ``auth/logout``; the gateway only keeps the tokens in
httpOnly cookies, where no script can read them, and gives the page the CSRF token instead.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Response, request
from marshmallow import fields, validate
from werkzeug.datastructures import Headers

from kabinet_kit.openapi import Blueprint
from kabinet_kit.schemas import Schema
from kabinet_kit.tokens import InvalidToken, Principal

from .auth import LOGIN_PATH, identity_headers
from .browser import REFRESH_COOKIE, SESSION_COOKIE, CookieOptions, cookies, csrf_token, origin_refusal
from .edge import Caller, check_caller, client_ip, forwarding_headers, own_origin
from .gateway import Gateway, current_gateway
from .observability import counter
from .problems import GatewayProblem, unauthenticated

SESSION_SCHEME = {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
                  "description": "The browser session POST /api/session sets (httpOnly). A change sent with it "
                                 "needs the X-CSRF-Token header and an allowed Origin."}
CSRF_PARAMETER = {"in": "header", "name": "X-CSRF-Token", "required": True, "schema": {"type": "string"},
                  "description": "The csrf_token of the session's answer (POST or GET /api/session)."}

blp = Blueprint("session", __name__, description="The browser session: cookies instead of bearer tokens")


class LoginIn(Schema):
    login = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)


class SessionOut(Schema):
    user = fields.Raw(required=True, metadata={"description": "Identity's GET /me for the session's account."})
    csrf_token = fields.String(required=True, metadata={
        "description": "Send it as X-CSRF-Token with every change made through the session."})
    expires_in = fields.Integer(metadata={"description": "Seconds the session's access token lives; renew with "
                                                         "POST /api/session/refresh."})


def _cookie_options(gw: Gateway) -> CookieOptions:
    settings = gw.settings
    secure = settings.session_cookie_secure
    if secure is None:
        forwarded = request.headers.get("X-Forwarded-Proto", "") if settings.trusted_proxy_hops else ""
        secure = request.scheme == "https" or forwarded.lower() == "https"
    return CookieOptions(secure=secure or settings.session_same_site == "None", same_site=settings.session_same_site)


def _identity(gw: Gateway, method: str, path: str, payload: Any = None,
              caller: Caller | None = None) -> tuple[int, bytes]:
    headers = {"Accept": "application/json", **forwarding_headers("/api/identity")}
    body = None
    if payload is not None:
        body = json.dumps(payload).encode("utf-8")
        headers.update({"Content-Type": "application/json", "Content-Length": str(len(body))})
    elif method == "POST":
        body = b""
    if caller is not None:
        headers.update({"Authorization": caller.authorization, **identity_headers(caller.principal)})
    fwd = gw.forward("identity", method, path, b"", headers, body)
    return fwd.status, fwd.body if fwd.body is not None else b"".join(fwd.iter())


def _passed_on(status: int, raw: bytes, headers: Headers | None = None) -> Response:
    """Identity's refusal as it gave it (its problem+json)."""
    return Response(raw, status=status, headers=headers, mimetype="application/problem+json")


def _check_origin(gw: Gateway) -> None:
    refusal = origin_refusal(request.headers.get("Origin"), gw.cors_origins, own_origin())
    if refusal is not None:
        raise GatewayProblem(403, refusal, code="csrf-failed")


def _established(gw: Gateway, tokens: dict) -> tuple[dict, int, Headers]:
    """The answer that starts (or renews) a session: the user, the CSRF token, the cookies."""
    if not gw.csrf_key:
        raise GatewayProblem(503, "Browser sessions need the gateway's proof secret; use bearer tokens.")
    try:
        principal: Principal = gw.authenticator.verifier.verify(tokens["access_token"])
    except InvalidToken as exc:
        raise GatewayProblem(502, f"Identity issued a token the gateway cannot verify ({exc}).",
                             service="identity") from None
    caller = Caller(principal, f"Bearer {tokens['access_token']}", via_cookie=True)
    status, raw = _identity(gw, "GET", "me", caller=caller)
    if status != 200:
        raise GatewayProblem(502, f"Identity did not describe the new session's account ({status}).",
                             service="identity")
    headers = Headers({"Cache-Control": "no-store"})
    for cookie in _cookie_options(gw).session_cookies(tokens["access_token"], tokens["refresh_token"]):
        headers.add("Set-Cookie", cookie)
    body = {"user": json.loads(raw), "csrf_token": csrf_token(gw.csrf_key, principal.session_id),
            "expires_in": tokens.get("expires_in")}
    return body, 200, headers


def _session_caller(gw: Gateway) -> Caller:
    """The browser session's caller (never a bearer token: these endpoints are about the cookie)."""
    if not cookies(request.headers.get("Cookie")).get(SESSION_COOKIE):
        raise unauthenticated("no browser session")
    return check_caller(gw, request.method, None, request.headers.get("Cookie"), request.headers.get("Origin"),
                        request.headers.get("X-CSRF-Token"), own_origin(), None)


@blp.post("/api/session")
@blp.arguments(LoginIn, example={"login": "guardian1", "password": "kabinet-demo"})
@blp.response(200, SessionOut)
@blp.doc(security=[])
def login(body: dict) -> Any:
    """Log in for a browser: identity's login, the tokens kept in httpOnly cookies, the user and
    the CSRF token in the answer. Only from the gateway's own origin or a configured one; limited
    per address like the token login."""
    gw = current_gateway()
    _check_origin(gw)
    allowed, retry_after = gw.limiters[LOGIN_PATH].hit(client_ip())
    if not allowed:
        counter("rate_limited").labels("gateway", "session").inc()
        raise GatewayProblem(429, "Too many attempts from this address; wait and retry.",
                             headers={"Retry-After": str(retry_after)}, retry_after=retry_after)
    status, raw = _identity(gw, "POST", "auth/token", {"login": body["login"], "password": body["password"]})
    if status != 200:
        return _passed_on(status, raw)
    return _established(gw, json.loads(raw))


@blp.get("/api/session")
@blp.response(200, SessionOut)
@blp.doc(security=[{"session": []}])
def current() -> Any:
    """The browser session's user and CSRF token (after a page reload)."""
    gw = current_gateway()
    caller = _session_caller(gw)
    status, raw = _identity(gw, "GET", "me", caller=caller)
    if status != 200:
        return _passed_on(status, raw)
    return {"user": json.loads(raw), "csrf_token": csrf_token(gw.csrf_key, caller.principal.session_id)}, 200, \
        {"Cache-Control": "no-store"}


@blp.post("/api/session/refresh")
@blp.response(200, SessionOut)
@blp.doc(security=[])
def refresh() -> Any:
    """Renew the session's tokens with the refresh cookie (after the access token expired)."""
    gw = current_gateway()
    _check_origin(gw)
    token = cookies(request.headers.get("Cookie")).get(REFRESH_COOKIE)
    if not token:
        raise unauthenticated("no browser session")
    status, raw = _identity(gw, "POST", "auth/refresh", {"refresh_token": token})
    if status != 200:
        headers = Headers()
        if status == 401:  # the session is over: the browser forgets it
            for cookie in _cookie_options(gw).cleared():
                headers.add("Set-Cookie", cookie)
        return _passed_on(status, raw, headers)
    return _established(gw, json.loads(raw))


@blp.delete("/api/session")
@blp.response(204)
@blp.doc(security=[{"session": []}], parameters=[CSRF_PARAMETER])
def logout() -> Any:
    """Log out: identity ends the session (its tokens are refused everywhere, as after a token
    logout) and the browser forgets the cookies."""
    gw = current_gateway()
    caller = _session_caller(gw)
    status, raw = _identity(gw, "POST", "auth/logout", caller=caller)
    if status >= 300:
        return _passed_on(status, raw)
    headers = Headers()
    for cookie in _cookie_options(gw).cleared():
        headers.add("Set-Cookie", cookie)
    return "", 204, headers
