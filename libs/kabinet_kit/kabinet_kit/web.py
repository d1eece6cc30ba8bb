"""App factory pieces shared by every service: problem+json errors, request ids, a
request-scoped unit of work, health, readiness and Prometheus metrics."""
from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import flask_smorest
from flask import Flask, Response, current_app, g, json, request
from marshmallow import ValidationError
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import HTTPException

from .bodies import json_body_problem
from .errors import PreconditionFailed, RateLimited, ServiceError, Unauthenticated, status_for
from .i18n import MESSAGES_KEY, Messages, combined, current_messages, language
from .openapi import Int32Converter, register_problem_responses, spec_options
from .openapi import install as install_openapi
from .ops import DEFAULT_OPS_ALLOW, OPS_ALLOW_KEY, networks, ops_caller_allowed, visible_readiness
from .problems import TITLES, TITLES_EN, code_for, type_uri
from .schemas import ProblemSchema

log = logging.getLogger("kabinet.web")
PROBLEM = "application/problem+json"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


# -- problem+json ----------------------------------------------------------------------
def problem(status: int, detail: str | None = None, *, code: str | None = None, errors: Any = None,
            headers: dict[str, str] | None = None, **extra: Any) -> Response:
    """The problem+json answer: ``type`` and ``title`` from the catalogue by ``code`` (by default
    the status's), ``detail`` for this occurrence, ``errors`` by field name; the texts in the
    language the client asked for (kabinet_kit.i18n)."""
    kind = code_for(status, code)
    lang = language()
    messages = current_messages()
    body: dict[str, Any] = {"type": type_uri(kind), "title": (TITLES_EN if lang == "en" else TITLES)[kind],
                            "status": status}
    if detail:
        body["detail"] = messages.translate(detail, lang)
    if errors:
        body["errors"] = messages.localise(errors, lang)
    body["instance"] = request.path if request else None
    rid = g.get("request_id") if g else None
    if rid:
        body["request_id"] = rid
    body.update(extra)
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM)
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _flatten_webargs(messages: Any) -> dict[str, Any]:
    # webargs nests messages by location ({"json": {...}, "query": {...}}); clients want fields.
    if not isinstance(messages, dict):
        return {"_schema": messages}
    if len(messages) == 1:
        inner = next(iter(messages.values()))
        return inner if isinstance(inner, dict) else {"_schema": inner}
    flat: dict[str, Any] = {}
    for location, errs in messages.items():
        if isinstance(errs, dict):
            flat.update(errs)
        else:
            flat[location] = errs
    return flat


def http_exception_problem(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    errors = _flatten_webargs(data["messages"]) if "messages" in data else data.get("errors")
    if error.code == 400 and errors and "json" in (data.get("messages") or {}) and not isinstance(
            data["messages"]["json"], dict):
        return problem(400, "The body is not valid JSON.", code="malformed-body", errors=errors)
    if error.code == 422:
        return problem(422, "Some fields are invalid; see errors.", errors=errors)
    status = error.code or 500
    # What werkzeug says a client needs beside the status: Allow on a 405, for one.
    headers = {k: v for k, v in error.get_headers() if k.lower() in ("allow", "retry-after")}
    return problem(status, error.description if status < 500 else None, errors=errors, headers=headers)


class Api(flask_smorest.Api):  # type: ignore[misc]  # flask-smorest ships no type information
    """flask-smorest's Api, but every HTTP error becomes problem+json and is documented so."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        return http_exception_problem(error)

    def _register_responses(self) -> None:
        # flask-smorest documents its error responses in the success content type; ours are
        # problem+json, so the same components are registered with that type.
        register_problem_responses(self.spec, self.ERROR_SCHEMA, PROBLEM)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def _service_error(error: ServiceError) -> Response:
        headers: dict[str, str] = {"Retry-After": str(error.retry_after)} if isinstance(error, RateLimited) else {}
        if isinstance(error, Unauthenticated):
            headers["WWW-Authenticate"] = 'Bearer realm="kabinet"'
        if isinstance(error, PreconditionFailed):
            headers["ETag"] = error.etag
        return problem(status_for(error), error.detail, code=error.code, errors=error.errors, headers=headers,
                       **error.extra)

    @app.errorhandler(ValidationError)
    def _validation_error(error: ValidationError) -> Response:
        return problem(422, "Some fields are invalid; see errors.", errors=error.normalized_messages())  # type: ignore[no-untyped-call]

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        return http_exception_problem(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, HTTPException):
            return http_exception_problem(error)
        log.exception("unhandled error")
        return problem(500, "The request failed; it has been logged with its request id.")


# -- bodies no view could hold ------------------------------------------------------------
def register_body_checks(app: Flask) -> None:
    """For services, which read bodies whole; never for the gateway, which streams them on."""
    @app.before_request
    def _refuse_unholdable_json() -> Response | None:
        if not request.is_json:
            return None
        reason = json_body_problem(request.get_data(cache=True))
        return None if reason is None else problem(400, reason, code="malformed-body")


# -- request ids and access log --------------------------------------------------------
def register_request_ids(app: Flask, *, trust_incoming: bool = True) -> None:
    """``trust_incoming``: a service's caller is the gateway, whose ids it keeps. The gateway is
    the edge: it makes its own ids, and a client's X-Request-ID is only logged, apart
    (``client_request_id``), so a client can neither pick our ids nor the events' correlation."""
    access_log = logging.getLogger("kabinet.access")

    @app.before_request
    def _assign_ids() -> None:
        g.started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        if not trust_incoming:
            g.request_id = g.correlation_id = uuid.uuid4().hex
            cut = incoming[:128]
            g.client_request_id = cut if _REQUEST_ID.match(cut) else None
            return
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        correlation = request.headers.get("X-Correlation-ID", "")
        g.correlation_id = correlation if _REQUEST_ID.match(correlation) else g.request_id

    @app.after_request
    def _echo_ids(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        if request.path not in ("/healthz", "/metrics"):
            extra = {"method": request.method, "path": request.path, "status": response.status_code,
                     "duration_ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2)}
            if g.get("client_request_id"):
                extra["client_request_id"] = g.client_request_id
            access_log.info("request", extra=extra)
        return response


def current_correlation_id() -> str | None:
    from flask import has_request_context
    return g.get("correlation_id") if has_request_context() else None


# -- metrics ---------------------------------------------------------------------------
def register_metrics(app: Flask, service: str) -> CollectorRegistry:
    registry = CollectorRegistry()
    requests_total = Counter("http_requests_total", "HTTP requests", ["method", "endpoint", "status"],
                             registry=registry)
    latency = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "endpoint"],
                        registry=registry, buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5))

    @app.after_request
    def _observe(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        requests_total.labels(request.method, endpoint, str(response.status_code)).inc()
        latency.labels(request.method, endpoint).observe(time.perf_counter() - g.get("started", time.perf_counter()))
        return response

    @app.get("/metrics")
    def metrics() -> Response:
        if not ops_caller_allowed():
            return problem(404)
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)

    app.extensions["kabinet.metrics"] = registry
    return registry


# -- health ----------------------------------------------------------------------------
def register_health(app: Flask, checks: dict[str, Callable[[], bool]]) -> None:
    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> tuple[dict[str, Any], int]:
        results = {}
        for name, check in checks.items():
            try:
                results[name] = "ok" if check() else "unavailable"
            except Exception as exc:  # a readiness probe reports, it never raises
                results[name] = f"unavailable: {exc.__class__.__name__}"
        ready = all(v == "ok" for v in results.values())
        body = {"status": "ready" if ready else "not ready", "checks": results}
        return visible_readiness(body), 200 if ready else 503


def database_check(session_factory: sessionmaker[Session]) -> Callable[[], bool]:
    def check() -> bool:
        with session_factory() as session:
            session.execute(text("SELECT 1"))
        return True
    return check


# -- request-scoped unit of work -------------------------------------------------------
class RequestTransaction:
    """One database session per request, committed only if the response is a success.

    Views and the service layer write through ``session``; events go to the outbox in the same
    session, so a failed request leaves neither state nor events behind.
    """

    def __init__(self, session_factory: sessionmaker[Session]):
        self.session_factory = session_factory

    def init_app(self, app: Flask) -> None:
        app.after_request(self._finish)
        app.teardown_request(self._close)
        app.extensions["kabinet.transaction"] = self

    @property
    def session(self) -> Session:
        session: Session | None = g.get("db_session")
        if session is None:
            session = g.db_session = self.session_factory()
        return session

    def _finish(self, response: Response) -> Response:
        session: Session | None = g.get("db_session")
        if session is not None:
            response = self._end(session, response)
        self._run_deferred()
        return response

    def _end(self, session: Session, response: Response) -> Response:
        if response.status_code >= 400:
            session.rollback()
            return response
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            log.warning("commit conflict", exc_info=True)
            return problem(409, "The change conflicts with the current state; reload and retry.")
        except OperationalError:
            session.rollback()
            log.exception("commit failed")
            return problem(503, "The database is unavailable; retry later.")
        return response

    def defer(self, write: Callable[[Session], None]) -> None:
        g.setdefault("deferred_writes", []).append(write)

    def _run_deferred(self) -> None:
        for write in g.pop("deferred_writes", []):
            try:
                with self.session_factory.begin() as session:
                    write(session)
            except Exception:  # the response is decided; a lost side record must not turn it into a 500
                log.exception("deferred write failed")

    def _close(self, _exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.close()


def request_session() -> Session:
    transaction: RequestTransaction = current_app.extensions["kabinet.transaction"]
    return transaction.session


def write_regardless(session_factory: sessionmaker[Session], write: Callable[[Session], None]) -> None:
    """Persist a record whatever becomes of the request (failed logins, refused reads): in its
    own transaction, after the request's transaction has ended — SQLite allows one writer, so
    it cannot run beside the request's open transaction. Outside a request it runs at once."""
    from flask import has_request_context
    if has_request_context() and "kabinet.transaction" in current_app.extensions:
        current_app.extensions["kabinet.transaction"].defer(write)
        return
    with session_factory.begin() as session:
        write(session)


# -- the pieces together ----------------------------------------------------------------
def create_base_app(service: str, *, title: str, version: str = "1.0.0", config: dict[str, Any] | None = None,
                    readiness: dict[str, Callable[[], bool]] | None = None,
                    import_name: str | None = None, trust_request_id: bool = True,
                    ops_allow: tuple[str, ...] = DEFAULT_OPS_ALLOW,
                    server_url: str | None = None, messages: Messages | None = None) -> tuple[Flask, Api]:
    """``server_url``: where clients reach this app's paths (a service: its gateway prefix);
    ``messages``: the translations of its error texts (kabinet_kit.i18n)."""
    # Flask resolves its root from the import name: the package's, never a bare folder name.
    app = Flask(import_name or f"kabinet_{service}")
    app.config.update(
        API_TITLE=title, API_VERSION=version, OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json", MAX_CONTENT_LENGTH=2 * 1024 * 1024, JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # the default provider has it
    app.config[OPS_ALLOW_KEY] = networks(ops_allow)
    app.config.update(config or {})
    app.url_map.converters["int"] = Int32Converter
    app.extensions[MESSAGES_KEY] = combined([messages] if messages else [])
    register_request_ids(app, trust_incoming=trust_request_id)
    register_error_handlers(app)
    register_metrics(app, service)
    register_health(app, readiness or {})
    api = Api(app, spec_kwargs=spec_options(app, service, server_url))
    install_openapi(api)
    return app, api
