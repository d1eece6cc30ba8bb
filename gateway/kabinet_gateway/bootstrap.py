"""The one place that wires the gateway's Flask app: settings, database, the per-process state,
metrics, error pages and the routes. Nothing in the package imports this module."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, g

from kabinet_kit.db import make_engine, make_session_factory
from kabinet_kit.ops import CLIENT_ADDRESS_KEY
from kabinet_kit.web import create_base_app, problem

from . import docs, overview
from .config import Settings
from .cors import register_cors
from .edge import client_ip
from .gateway import Gateway
from .health import readyz
from .messages import MESSAGES
from .observability import install_access_log_filter, register_metrics
from .problems import GatewayProblem
from .proxy import UpstreamFailure
from .routing import add_upstream_routes


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """``test_config``: keys naming a Settings field override it (e.g. ``upstreams``,
    ``read_timeout``, ``key_source``; ``database_url=None`` runs without a database, revocations
    in memory only); ``authenticator`` replaces the token check whole; anything else goes to
    Flask's config."""
    config = dict(test_config or {})
    overrides = {k: config.pop(k) for k in list(config) if k in Settings.model_fields}
    authenticator = config.pop("authenticator", None)
    settings = Settings.load(overrides)
    session_factory = make_session_factory(make_engine(settings.database_url)) if settings.database else None

    # Flask's import name must be the package: a bare "gateway" would resolve to the repository's
    # gateway/ directory (a namespace package) when run from the repository root.
    app, api = create_base_app("gateway", title="Kabinet gateway", config={
        "MAX_CONTENT_LENGTH": settings.max_body_bytes, **config}, trust_request_id=False, ops_allow=settings.ops_allow,
        messages=MESSAGES)
    # Behind trusted proxies the peer is a proxy: the operations allow-list judges the client.
    app.extensions[CLIENT_ADDRESS_KEY] = client_ip
    app.extensions["kabinet.gateway"] = Gateway(settings, session_factory=session_factory,
                                                authenticator=authenticator)
    register_metrics(app)
    register_cors(app, settings.cors_origins)
    install_access_log_filter()

    @app.errorhandler(GatewayProblem)
    def _gateway_problem(error: GatewayProblem) -> Response:
        return problem(error.status, error.detail, code=error.code, headers=error.headers, **error.extra)

    @app.errorhandler(UpstreamFailure)
    def _upstream_failure(error: UpstreamFailure) -> Response:
        g.upstream_status = error.status
        return problem(error.status, error.detail, service=error.service)

    app.view_functions["readyz"] = readyz
    add_upstream_routes(app, settings.upstreams)
    api.register_blueprint(overview.blp)
    app.register_blueprint(docs.blp)

    def gateway_spec() -> dict[str, Any]:
        spec = api.spec.to_dict()
        spec["paths"] = {p: v for p, v in spec.get("paths", {}).items() if p.startswith("/api/")}
        return spec
    app.extensions["kabinet.gateway_spec"] = gateway_spec
    return app
