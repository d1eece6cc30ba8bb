"""The gateway's Flask app: routing to services, token checks, docs, composite reads, health."""
from __future__ import annotations

import logging
import time
from concurrent.futures import wait
from functools import partial

from flask import Flask, current_app, g, request
from prometheus_client import Counter, Histogram

from kabinet_kit.bus import broker_reachable
from kabinet_kit.db import make_engine, make_session_factory
from kabinet_kit.tokens import InvalidToken, Principal
from kabinet_kit.web import create_base_app, problem

from . import docs, overview
from .auth import KEYS_UNAVAILABLE, has_dot_segments, identity_headers, is_blocked, is_public
from .config import Settings
from .gateway import Gateway, current_gateway
from .problems import GatewayProblem, unauthenticated
from .proxy import BodyTooLarge, UpstreamFailure, counted, filter_request_headers, forward

log = logging.getLogger("kabinet.gateway")
PROXY_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


# -- access log: the kit writes one JSON line per request; the gateway adds the upstream ----
class _UpstreamLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from flask import has_request_context
        if has_request_context():
            record.upstream = g.get("upstream")
            if g.get("upstream_status") is not None:
                record.upstream_status = g.get("upstream_status")
                record.upstream_ms = g.get("upstream_ms")
        return True


_LOG_FILTER = _UpstreamLogFilter()


def _install_access_log_filter() -> None:
    access = logging.getLogger("kabinet.access")
    if _LOG_FILTER not in access.filters:
        access.addFilter(_LOG_FILTER)


# -- request helpers --------------------------------------------------------------------------
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


def authenticate_request() -> Principal:
    """Verify the bearer token and check revocations; raises GatewayProblem (401/503)."""
    gw = current_gateway()
    try:
        principal = gw.authenticator.authenticate(request.headers.get("Authorization"))
    except InvalidToken as exc:
        if str(exc).startswith(KEYS_UNAVAILABLE):
            raise GatewayProblem(503, "Service unavailable",
                                 "Token signing keys cannot be fetched from identity; retry later.",
                                 service="identity") from None
        _auth_failures(str(exc))
        raise unauthenticated(str(exc)) from None
    gw.revocations.start()
    if not gw.revocations.fresh:
        raise GatewayProblem(503, "Service unavailable",
                             "The revocation list cannot be read; authenticated calls are refused until it can.")
    if gw.revocations.is_revoked(principal.account_id, principal.session_id, principal.issued_at):
        _auth_failures("revoked")
        raise unauthenticated("token revoked")
    g.principal = principal
    return principal


def _auth_failures(reason: str) -> None:
    metrics = current_app.extensions.get("kabinet.gateway_metrics")
    if metrics:
        short = reason.split(":", 1)[0][:40]
        metrics["auth_failures"].labels(short).inc()


def request_body(max_bytes: int, headers: dict[str, str]):
    """(body, chunked) to hand to urllib3: nothing, the small body whole, or a counted stream."""
    length = request.content_length
    if length is not None:
        if length > max_bytes:
            raise GatewayProblem(413, "Payload too large", f"The body may be at most {max_bytes} bytes.",
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


# -- the proxy view ----------------------------------------------------------------------------
def proxy_view(service: str, path: str = ""):
    gw = current_gateway()
    g.upstream = service
    if has_dot_segments(path):
        raise GatewayProblem(400, "Bad request", "Path segments '.' and '..' are not allowed.")
    if is_blocked(path):
        raise GatewayProblem(404, "Not Found", "This endpoint is not published through the gateway.")
    limiter = gw.limiter_for(service, path)
    if limiter is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
        allowed, retry_after = limiter.hit(client_ip())
        if not allowed:
            current_app.extensions["kabinet.gateway_metrics"]["rate_limited"].labels(service, path).inc()
            raise GatewayProblem(429, "Too many requests", "Too many attempts from this address; wait and retry.",
                                 headers={"Retry-After": str(retry_after)}, retry_after=retry_after)
    headers = filter_request_headers(request.headers)
    if not is_public(service, path):
        headers.update(identity_headers(authenticate_request()))
    headers.update(forwarding_headers(f"/api/{service}"))
    body, chunked = request_body(gw.settings.max_body_bytes, headers)
    try:
        fwd = forward(gw.upstreams[service], request.method, path, request.query_string, headers, body,
                      chunked=chunked)
    except BodyTooLarge:
        raise GatewayProblem(413, "Payload too large", f"The body may be at most {gw.settings.max_body_bytes} bytes.",
                             max_bytes=gw.settings.max_body_bytes) from None
    elapsed = time.perf_counter() - fwd.started
    g.upstream_status = fwd.status
    g.upstream_ms = round(elapsed * 1000, 2)
    current_app.extensions["kabinet.gateway_metrics"]["upstream"].labels(service, str(fwd.status)).observe(elapsed)
    headers = rewrite_location(fwd.headers, gw.upstreams[service].url, f"/api/{service}")
    if request.method == "HEAD":
        fwd.discard()
        content = []  # keeps the upstream's Content-Length
    else:
        content = fwd.body if fwd.body is not None else fwd.iter()
    return current_app.response_class(content, status=fwd.status, headers=headers, direct_passthrough=True)


def rewrite_location(headers: list[tuple[str, str]], upstream_url: str, prefix: str) -> list[tuple[str, str]]:
    """A redirect from a service points at the service's own URL space: put it under the prefix."""
    out = []
    for key, value in headers:
        if key.lower() in ("location", "content-location"):
            if value.startswith(upstream_url):
                value = prefix + (value[len(upstream_url):] or "/")
            elif value.startswith("/") and not value.startswith("//") and not value.startswith(prefix + "/"):
                value = prefix + value
        out.append((key, value))
    return out


# -- health ------------------------------------------------------------------------------------
def readyz():
    gw = current_gateway()
    s = gw.settings
    checks: dict[str, str] = {}
    session_factory = current_app.extensions.get("kabinet.gateway_db")
    if session_factory is not None:
        try:
            from sqlalchemy import text
            with session_factory() as session:
                session.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unavailable: {exc.__class__.__name__}"
    gw.revocations.start()
    checks["revocations"] = "ok" if gw.revocations.fresh else f"stale: {gw.revocations.last_error}"

    futures = {name: gw.executor.submit(gw.fetch_json, name, "healthz", timeout=s.health_timeout)
               for name in gw.upstreams}
    broker_future = gw.executor.submit(broker_reachable, s.amqp_url, s.health_timeout)
    wait([*futures.values(), broker_future], timeout=s.health_timeout + 1)
    upstreams = {}
    for name, future in futures.items():
        try:
            status, _ = future.result(timeout=0)
            upstreams[name] = "ok" if status == 200 else f"unavailable: status {status}"
        except UpstreamFailure as failure:
            upstreams[name] = "unavailable" if failure.status == 503 else (
                "timeout" if failure.status == 504 else "bad response")
        except Exception as exc:
            upstreams[name] = f"unavailable: {exc.__class__.__name__}"
    try:
        # Reported, not required: the web workers do not use the broker (the consumer does).
        broker = "ok" if broker_future.result(timeout=0) else "unavailable"
    except Exception:
        broker = "unavailable"
    required_ok = all(upstreams.get(name) == "ok" for name in s.required_upstreams if name in gw.upstreams)
    ready = all(v == "ok" for v in checks.values()) and required_ok
    body = {"status": "ready" if ready else "not ready", "checks": checks, "broker": broker,
            "upstreams": upstreams, "required_upstreams": list(s.required_upstreams)}
    return body, 200 if ready else 503


# -- the factory -------------------------------------------------------------------------------
def create_app(test_config: dict | None = None) -> Flask:
    """``test_config``: keys naming a Settings field override it (e.g. ``upstreams``,
    ``database_url``, ``read_timeout``); ``authenticator`` replaces the JWKS-based one;
    anything else goes to Flask's config. ``database_url=None`` runs without revocations
    (unit tests only)."""
    config = dict(test_config or {})
    settings_overrides = {k: config.pop(k) for k in list(config) if k in Settings.__dataclass_fields__}
    authenticator = config.pop("authenticator", None)
    settings = Settings.from_mapping(settings_overrides)

    session_factory = None
    if settings.database_url:
        engine = make_engine(settings.database_url)
        session_factory = make_session_factory(engine)

    # Flask's import name must be the package: a bare "gateway" would resolve to the repository's
    # gateway/ directory (a namespace package) when run from the repository root.
    app, api = create_base_app("gateway", title="Kabinet gateway", config={
        "MAX_CONTENT_LENGTH": settings.max_body_bytes, **config})
    gw = Gateway(settings, session_factory=session_factory, authenticator=authenticator)
    app.extensions["kabinet.gateway"] = gw
    app.extensions["kabinet.gateway_db"] = session_factory
    registry = app.extensions["kabinet.metrics"]
    app.extensions["kabinet.gateway_metrics"] = {
        "upstream": Histogram("gateway_upstream_duration_seconds", "Time to the upstream's response headers",
                              ["service", "status"], registry=registry,
                              buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)),
        "auth_failures": Counter("gateway_auth_failures_total", "Refused tokens", ["reason"], registry=registry),
        "rate_limited": Counter("gateway_rate_limited_total", "Requests refused by a rate limit",
                                ["service", "path"], registry=registry),
    }
    _install_access_log_filter()

    @app.errorhandler(GatewayProblem)
    def _gateway_problem(error: GatewayProblem):
        return problem(error.status, error.title, error.detail, headers=error.headers, **error.extra)

    @app.errorhandler(UpstreamFailure)
    def _upstream_failure(error: UpstreamFailure):
        g.upstream_status = error.status
        return problem(error.status, error.title, error.detail, service=error.service)

    app.view_functions["readyz"] = readyz

    for name in settings.upstreams:
        view = partial(proxy_view, name)
        view.__name__ = f"proxy_{name}"  # type: ignore[attr-defined]
        app.add_url_rule(f"/api/{name}/<path:path>", endpoint=f"proxy_{name}", view_func=view,
                         methods=PROXY_METHODS, provide_automatic_options=False)
        app.add_url_rule(f"/api/{name}/", endpoint=f"proxy_{name}_root", view_func=view, defaults={"path": ""},
                         methods=PROXY_METHODS, provide_automatic_options=False)

    api.register_blueprint(overview.blp)
    app.register_blueprint(docs.blp)

    def gateway_spec() -> dict:
        spec = api.spec.to_dict()
        spec["paths"] = {p: v for p, v in spec.get("paths", {}).items() if p.startswith("/api/")}
        return spec
    app.extensions["kabinet.gateway_spec"] = gateway_spec
    return app
