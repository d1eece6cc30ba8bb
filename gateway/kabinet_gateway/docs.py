"""API and event documentation served by the gateway, all of it offline.

* ``/api/openapi.json`` — the services' OpenAPI documents merged under their prefixes (fetched
  from each upstream's ``/openapi.json`` in parallel, cached briefly);
* ``/api/docs`` — Swagger UI from the packaged ``swagger-ui-bundle`` (no CDN);
* ``/api/events/asyncapi.json`` — AsyncAPI 3.0 generated from the contracts registry;
* ``/api/events`` — the same catalogue as a server-rendered HTML page.
"""
from __future__ import annotations

import json
import time
from concurrent.futures import wait
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, send_from_directory
from marshmallow import fields as ma_fields

from kabinet_contracts import PERSONAL_DATA_EXCHANGE, REGISTRY

from .asyncapi import build_asyncapi
from .gateway import current_gateway
from .openapi_merge import merge_specs
from .proxy import UpstreamFailure

blp = Blueprint("docs", __name__, template_folder="templates")

try:
    from swagger_ui_bundle import swagger_ui_path
    SWAGGER_DIR: Path | None = Path(str(swagger_ui_path))
except ImportError:  # pragma: no cover - a declared dependency; /api/docs says so if missing
    SWAGGER_DIR = None
SWAGGER_FILES = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png",
                 "favicon-16x16.png", "oauth2-redirect.html"}


def merged_openapi(force: bool = False) -> dict:
    gw = current_gateway()
    now = time.monotonic()
    cached = gw.docs_cache
    if cached and not force and now < cached[0]:
        return cached[1]
    timeout = max(gw.settings.health_timeout, 2.0)
    futures = {name: gw.executor.submit(gw.fetch_json, name, "openapi.json", timeout=timeout)
               for name in gw.upstreams}
    wait(list(futures.values()), timeout=timeout + 1)
    specs, missing = {}, {}
    for name, future in futures.items():
        if not future.done():
            missing[name] = "timeout"
            continue
        try:
            status, spec = future.result()
        except UpstreamFailure as failure:
            missing[name] = {503: "unavailable", 504: "timeout"}.get(failure.status, "bad response")
            continue
        if status == 200 and isinstance(spec, dict) and isinstance(spec.get("paths"), dict):
            specs[name] = spec
        else:
            missing[name] = f"status {status}"
    own = current_app.extensions["kabinet.gateway_spec"]()
    document = merge_specs(specs, gateway_spec=own, missing=missing)
    ttl = gw.settings.docs_cache_seconds if not missing else min(5.0, gw.settings.docs_cache_seconds)
    gw.docs_cache = (now + ttl, document)
    return document


@blp.get("/api/openapi.json")
def openapi_json():
    return jsonify(merged_openapi())


@blp.get("/api/docs")
@blp.get("/api/docs/")
def swagger_ui():
    if SWAGGER_DIR is None:
        abort(503)
    return render_template("swagger.html", static="/api/docs/static", spec_url="/api/openapi.json")


@blp.get("/api/docs/static/<path:filename>")
def swagger_static(filename: str):
    if SWAGGER_DIR is None or filename not in SWAGGER_FILES:
        abort(404)
    return send_from_directory(SWAGGER_DIR, filename, max_age=86400)


def asyncapi_document() -> dict:
    cache = current_app.extensions.setdefault("kabinet.asyncapi", {})
    if "doc" not in cache:
        s = current_gateway().settings
        cache["doc"] = build_asyncapi(REGISTRY, broker_host=s.public_broker_host, vhost=s.public_broker_vhost)
    return cache["doc"]


@blp.get("/api/events/asyncapi.json")
def asyncapi_json():
    return jsonify(asyncapi_document())


def _field_type(field) -> str:
    names = {ma_fields.UUID: "uuid", ma_fields.AwareDateTime: "date-time (с часовым поясом)",
             ma_fields.DateTime: "date-time", ma_fields.Date: "date", ma_fields.Integer: "integer",
             ma_fields.Float: "number", ma_fields.Decimal: "decimal", ma_fields.Boolean: "boolean",
             ma_fields.String: "string", ma_fields.Dict: "object", ma_fields.List: "array"}
    kind = next((label for cls, label in names.items() if isinstance(field, cls)), type(field).__name__)
    choices = getattr(field.validate, "choices", None) if field.validate else None
    if choices is None:
        for validator in getattr(field, "validators", []) or []:
            choices = getattr(validator, "choices", None) or choices
    if choices:
        kind += ": " + " | ".join(map(str, choices))
    if field.allow_none:
        kind += ", может быть null"
    return kind


@blp.get("/api/events")
@blp.get("/api/events/")
def events_html():
    groups: dict[str, list] = {}
    for contract in REGISTRY:
        schema = contract.schema()
        groups.setdefault(contract.exchange, []).append({
            "type": contract.type, "description": contract.description, "subject_field": contract.subject_field,
            "internal": contract.exchange == PERSONAL_DATA_EXCHANGE,
            "fields": [{"name": name, "required": f.required, "type": _field_type(f)}
                       for name, f in schema.fields.items()],
            "example": json.dumps(contract.example, ensure_ascii=False, indent=2),
        })
    # Public exchanges first, the internal personal-data one last.
    ordered = sorted(groups.items(), key=lambda kv: (kv[0] == PERSONAL_DATA_EXCHANGE, kv[0]))
    html = render_template("events.html", groups=ordered, contracts=list(REGISTRY), pd_exchange=PERSONAL_DATA_EXCHANGE,
                           asyncapi_url="/api/events/asyncapi.json")
    return Response(html, mimetype="text/html")
