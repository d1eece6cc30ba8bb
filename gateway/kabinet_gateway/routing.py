"""``/api/<service>/...``: the checks at the edge, then the request streamed to the upstream."""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from functools import partial

from flask import Flask, Response, current_app, g, request

from .auth import identity_headers, is_blocked, is_public, path_refusal
from .edge import authenticate_request, client_ip, forwarding_headers
from .gateway import current_gateway
from .observability import counter, histogram
from .problems import GatewayProblem
from .proxy import BodyTooLarge, counted, filter_request_headers

PROXY_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def add_upstream_routes(app: Flask, names: Iterable[str]) -> None:
    for name in names:
        view = partial(proxy_view, name)
        view.__name__ = f"proxy_{name}"  # type: ignore[attr-defined]
        app.add_url_rule(f"/api/{name}/<path:path>", endpoint=f"proxy_{name}", view_func=view,
                         methods=PROXY_METHODS, provide_automatic_options=False)
        app.add_url_rule(f"/api/{name}/", endpoint=f"proxy_{name}_root", view_func=view, defaults={"path": ""},
                         methods=PROXY_METHODS, provide_automatic_options=False)


def request_body(max_bytes: int, headers: dict[str, str]) -> tuple[bytes | Iterator[bytes] | None, bool]:
    """(body, chunked) to hand to urllib3: nothing, the small body whole, or a counted stream."""
    length = request.content_length
    if length is not None:
        if length > max_bytes:
            raise GatewayProblem(413, f"The body may be at most {max_bytes} bytes.",
                                 max_bytes=max_bytes)
        if length == 0:
            return (b"" if request.method in ("POST", "PUT", "PATCH") else None), False
        headers["Content-Length"] = str(length)
        if length <= 64 * 1024:
            return request.stream.read(), False
        return counted(request.stream, max_bytes), False
    if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        return counted(request.stream, max_bytes), True
    return None, False


def proxy_view(service: str, path: str = "") -> Response:
    gw = current_gateway()
    g.upstream = service
    refusal = path_refusal(path)
    if refusal is not None:
        raise GatewayProblem(400, refusal)
    if is_blocked(path):
        raise GatewayProblem(404, "This endpoint is not published through the gateway.")
    limiter = gw.limiter_for(service, path)
    if limiter is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
        allowed, retry_after = limiter.hit(client_ip())
        if not allowed:
            counter("rate_limited").labels(service, path).inc()
            raise GatewayProblem(429, "Too many attempts from this address; wait and retry.",
                                 headers={"Retry-After": str(retry_after)}, retry_after=retry_after)
    headers = filter_request_headers(request.headers)
    if not is_public(service, path):
        headers.update(identity_headers(authenticate_request(service)))
        if g.caller.via_cookie:
            headers["Authorization"] = g.caller.authorization
    headers.update(forwarding_headers(f"/api/{service}"))
    body, chunked = request_body(gw.settings.max_body_bytes, headers)
    try:
        # Only to a healthy upstream: an unhealthy one gets nothing, not even the caller's token.
        fwd = gw.forward(service, request.method, path, request.query_string, headers, body, chunked=chunked)
    except BodyTooLarge:
        raise GatewayProblem(413, f"The body may be at most {gw.settings.max_body_bytes} bytes.",
                             max_bytes=gw.settings.max_body_bytes) from None
    elapsed = time.perf_counter() - fwd.started
    g.upstream_status = fwd.status
    g.upstream_ms = round(elapsed * 1000, 2)
    histogram("upstream").labels(service, str(fwd.status)).observe(elapsed)
    response_headers = rewrite_location(fwd.headers, gw.upstreams[service].url, f"/api/{service}")
    content: bytes | Iterable[bytes]
    if request.method == "HEAD":
        fwd.discard()
        content = []  # keeps the upstream's Content-Length
    else:
        content = fwd.body if fwd.body is not None else fwd.iter()
    return current_app.response_class(content, status=fwd.status, headers=response_headers,
                                      direct_passthrough=True)


def rewrite_location(headers: list[tuple[str, str]], upstream_url: str, prefix: str) -> list[tuple[str, str]]:
    """A redirect from a service points at the service's own URL space: put it under the prefix."""
    out: list[tuple[str, str]] = []
    for key, value in headers:
        if key.lower() in ("location", "content-location"):
            if value.startswith(upstream_url):
                value = prefix + (value[len(upstream_url):] or "/")
            elif value.startswith("/") and not value.startswith("//") and not value.startswith(prefix + "/"):
                value = prefix + value
        out.append((key, value))
    return out
