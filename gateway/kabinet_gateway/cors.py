"""Cross-origin requests from the browser front ends the gateway is told of (``GATEWAY_CORS_ORIGINS``).

Nothing configured (the default) means same-origin only: no response carries CORS headers. A
preflight (``OPTIONS`` with ``Access-Control-Request-Method``) is answered here, before any
token check — a browser never sends credentials with one — with 204 and, for a listed origin
only, the allowing headers. Actual requests from a listed origin get ``Access-Control-Allow-
Origin`` and the headers a client script may read, and may send the browser session's cookie
(``Access-Control-Allow-Credentials``, kabinet_gateway.browser); any other origin gets nothing,
which the browser enforces. Every answer varies by ``Origin`` once origins are configured, for caches.
"""
from __future__ import annotations

from flask import Flask, Response, request

from .browser import CSRF_HEADER

ALLOWED_METHODS = "GET, POST, PUT, PATCH, DELETE"
ALLOWED_HEADERS = ("Authorization", "Content-Type", "Accept", "Accept-Language", "Idempotency-Key", "If-Match",
                   "If-None-Match", "X-Request-ID", CSRF_HEADER)
EXPOSED_HEADERS = "ETag, Location, X-Request-ID, Retry-After, Content-Disposition, Idempotent-Replayed"
MAX_AGE = "600"


def _vary(response: Response, *names: str) -> None:
    for name in names:
        response.vary.add(name)


def register_cors(app: Flask, origins: tuple[str, ...]) -> None:
    allowed = frozenset(origins)

    @app.before_request
    def _preflight() -> Response | None:
        if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
            return None
        response = Response(status=204)
        origin = request.headers.get("Origin", "")
        if origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response.headers["Access-Control-Allow-Headers"] = ", ".join(ALLOWED_HEADERS)
            response.headers["Access-Control-Max-Age"] = MAX_AGE
            response.headers["Access-Control-Allow-Credentials"] = "true"
        if allowed:
            _vary(response, "Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers")
        return response

    if not allowed:
        return

    @app.after_request
    def _allow_origin(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if origin in allowed and "Access-Control-Allow-Origin" not in response.headers:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
            response.headers["Access-Control-Allow-Credentials"] = "true"
        _vary(response, "Origin")
        return response
