"""``/api/<service>/...``: the checks at the edge, then the request streamed to the upstream.

A thin WSGI layer in front of Flask (issue 12 item 7): a proxied request is the bulk of the
gateway's traffic and needs none of Flask's request cycle — no request context, no routing, no
before/after hooks — so it is handled here from the WSGI environ, with the same rules (path
rules, rate limits, bearer or browser-session authentication, revocations, CORS, request ids,
metrics, one access-log line) and the same problem+json answers. Everything else — the overview,
the session, the docs, /readyz, a CORS preflight — goes on to Flask.
"""
from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from http import HTTPStatus
from typing import Any

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from werkzeug.wsgi import LimitedStream

from kabinet_kit.i18n import DEFAULT_LANGUAGE, LANGUAGES, Messages
from kabinet_kit.problems import TITLES, TITLES_EN, code_for, type_uri

from .auth import identity_headers, is_blocked, is_public, path_refusal
from .cors import EXPOSED_HEADERS
from .edge import check_caller
from .gateway import Gateway
from .problems import GatewayProblem
from .proxy import SMALL_BODY, BodyTooLarge, UpstreamFailure, counted, filter_request_headers

log = logging.getLogger("kabinet.gateway")
access_log = logging.getLogger("kabinet.access")
_STATUS_LINES = {s.value: f"{s.value} {s.phrase}" for s in HTTPStatus}
_BODY_METHODS = ("POST", "PUT", "PATCH")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
StartResponse = Callable[..., Any]


def _status_line(status: int) -> str:
    return _STATUS_LINES.get(status) or f"{status} Unknown"


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    out = {key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        out["Content-Type"] = environ["CONTENT_TYPE"]
    return out


class ProxyDispatcher:
    """WSGI: ``/api/<upstream>/...`` here, anything else to ``flask_app``."""

    def __init__(self, flask_app: Callable[..., Any], gw: Gateway, metrics: dict[str, Any], messages: Messages):
        self.flask_app = flask_app
        self.messages = messages
        self.gw = gw
        self.upstream_seconds = metrics["upstream"]
        self.rate_limited = metrics["rate_limited"]
        self.max_body = gw.settings.max_body_bytes
        self.hops = gw.settings.trusted_proxy_hops

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path_info: str = environ.get("PATH_INFO", "")
        if path_info.startswith("/api/"):
            service, slash, rest = path_info[5:].partition("/")
            if slash and service in self.gw.upstreams and not (
                    environ["REQUEST_METHOD"] == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ):
                return self.proxy(environ, start_response, service, rest)
        return self.flask_app(environ, start_response)

    # -- one proxied request ---------------------------------------------------------------
    def proxy(self, environ: dict[str, Any], start_response: StartResponse, service: str,
              raw_path: str) -> Iterable[bytes]:
        started = time.perf_counter()
        request_id = os.urandom(16).hex()
        headers = _headers(environ)
        method = environ["REQUEST_METHOD"]
        # As werkzeug reads it: the server's latin-1 string holds the UTF-8 bytes.
        path = raw_path.encode("latin-1").decode("utf-8", "replace")
        full_path = f"/api/{service}/{path}"
        upstream_status: int | None = None
        upstream_ms: float | None = None
        try:
            fwd = self.forward(environ, headers, method, service, path, request_id)
            elapsed = time.perf_counter() - fwd.started
            upstream_status, upstream_ms = fwd.status, round(elapsed * 1000, 2)
            self.upstream_seconds.labels(service, str(fwd.status)).observe(elapsed)
            status = fwd.status
            response_headers = rewrite_location([h for h in fwd.headers if h[0].lower() != "x-request-id"],
                                                self.gw.upstreams[service].url, f"/api/{service}")
            body: Iterable[bytes]
            if method == "HEAD":
                fwd.discard()
                body = []  # keeps the upstream's Content-Length
            else:
                body = [fwd.body] if fwd.body is not None else fwd.iter()
        except GatewayProblem as error:
            status, response_headers, body = self.problem(environ, error.status, error.detail, error.code,
                                                          full_path, request_id, error.headers, error.extra)
        except UpstreamFailure as error:
            upstream_status = status = error.status
            status, response_headers, body = self.problem(environ, status, error.detail, None, full_path,
                                                          request_id, {}, {"service": error.service})
        except Exception:
            log.exception("unhandled error", extra={"request_id": request_id, "path": full_path})
            status, response_headers, body = self.problem(
                environ, 500, "The request failed; it has been logged with its request id.", None, full_path,
                request_id, {}, {})
        response_headers.append(("X-Request-ID", request_id))
        self.allow_origin(environ.get("HTTP_ORIGIN"), response_headers)
        start_response(_status_line(status), response_headers)
        if access_log.isEnabledFor(logging.INFO):
            extra = {"method": method, "path": full_path, "status": status, "upstream": service,
                     "duration_ms": round((time.perf_counter() - started) * 1000, 2), "request_id": request_id,
                     "correlation_id": request_id}
            if upstream_status is not None:
                extra.update(upstream_status=upstream_status, upstream_ms=upstream_ms)
            client_id = environ.get("HTTP_X_REQUEST_ID", "")[:128]
            if client_id and _REQUEST_ID.match(client_id):
                extra["client_request_id"] = client_id
            # A record made directly: Logger.info would look up the caller's frame for nothing.
            access_log.handle(access_log.makeRecord(access_log.name, logging.INFO, __file__, 0, "request", (), None,
                                                    extra=extra))
        return body

    def forward(self, environ: dict[str, Any], headers: dict[str, str], method: str, service: str, path: str,
                request_id: str) -> Any:
        gw = self.gw
        refusal = path_refusal(path)
        if refusal is not None:
            raise GatewayProblem(400, refusal)
        if is_blocked(path):
            raise GatewayProblem(404, "This endpoint is not published through the gateway.")
        client = self.client_ip(environ)
        limiter = gw.limiter_for(service, path)
        if limiter is not None and method not in ("GET", "HEAD", "OPTIONS"):
            allowed, retry_after = limiter.hit(client)
            if not allowed:
                self.rate_limited.labels(service, path).inc()
                raise GatewayProblem(429, "Too many attempts from this address; wait and retry.",
                                     headers={"Retry-After": str(retry_after)}, retry_after=retry_after)
        scheme = environ.get("wsgi.url_scheme", "http")
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
        out = filter_request_headers(headers)
        if not is_public(service, path):
            caller = check_caller(gw, method, environ.get("HTTP_AUTHORIZATION"), environ.get("HTTP_COOKIE"),
                                  environ.get("HTTP_ORIGIN"), environ.get("HTTP_X_CSRF_TOKEN"), f"{scheme}://{host}",
                                  service)
            out.update(identity_headers(caller.principal))
            out["Authorization"] = caller.authorization
        out.update({"X-Request-ID": request_id, "X-Correlation-ID": request_id, "X-Forwarded-For": client,
                    "X-Forwarded-Proto": scheme, "X-Forwarded-Host": host, "X-Forwarded-Prefix": f"/api/{service}"})
        body, chunked = self.request_body(environ, method, out)
        try:
            # Only to a healthy upstream: an unhealthy one gets nothing, not even the caller's token.
            return gw.forward(service, method, path, environ.get("QUERY_STRING", "").encode("latin-1"), out, body,
                              chunked=chunked)
        except BodyTooLarge:
            raise GatewayProblem(413, f"The body may be at most {self.max_body} bytes.",
                                 max_bytes=self.max_body) from None

    def client_ip(self, environ: dict[str, Any]) -> str:
        if self.hops > 0:
            chain = [p.strip() for p in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
            if len(chain) >= self.hops:
                return chain[-self.hops]
        return environ.get("REMOTE_ADDR") or "unknown"

    def request_body(self, environ: dict[str, Any], method: str,
                     headers: dict[str, str]) -> tuple[bytes | Iterator[bytes] | None, bool]:
        """(body, chunked) to send on: nothing, the small body whole, or a counted stream."""
        raw_length = environ.get("CONTENT_LENGTH")
        stream = environ["wsgi.input"]
        if raw_length:
            try:
                length = int(raw_length)
            except ValueError:
                raise GatewayProblem(400, "Content-Length is not a number.") from None
            if length > self.max_body:
                raise GatewayProblem(413, f"The body may be at most {self.max_body} bytes.",
                                     max_bytes=self.max_body)
            if length > 0:
                headers["Content-Length"] = str(length)
                limited = LimitedStream(stream, length)
                if length <= SMALL_BODY:
                    return limited.read(), False
                return counted(limited, self.max_body), False
        elif "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return counted(stream, self.max_body), True
        return (b"" if method in _BODY_METHODS else None), False

    def allow_origin(self, origin: str | None, headers: list[tuple[str, str]]) -> None:
        allowed = self.gw.cors_origins
        if not allowed:
            return
        if origin in allowed:
            headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", EXPOSED_HEADERS),
                        ("Access-Control-Allow-Credentials", "true")]
        for i, (key, value) in enumerate(headers):
            if key.lower() == "vary":
                if "origin" not in value.lower():
                    headers[i] = (key, f"{value}, Origin")
                return
        headers.append(("Vary", "Origin"))

    def problem(self, environ: dict[str, Any], status: int, detail: str | None, code: str | None, instance: str,
                request_id: str, headers: dict[str, str],
                extra: dict[str, Any]) -> tuple[int, list[tuple[str, str]], list[bytes]]:
        """The kit's problem+json (kabinet_kit.web.problem) in the client's language, without a
        Flask request."""
        lang = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept).best_match(
            LANGUAGES, default=DEFAULT_LANGUAGE) or DEFAULT_LANGUAGE
        kind = code_for(status, code)
        document: dict[str, Any] = {"type": type_uri(kind), "title": (TITLES_EN if lang == "en" else TITLES)[kind],
                                    "status": status}
        if detail:
            document["detail"] = self.messages.translate(detail, lang)
        document.update(instance=instance, request_id=request_id, **extra)
        raw = json.dumps(document, ensure_ascii=False).encode("utf-8")
        return status, [("Content-Type", "application/problem+json"), ("Content-Length", str(len(raw))),
                        ("Content-Language", lang), ("Vary", "Accept-Language"), *headers.items()], [raw]


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
