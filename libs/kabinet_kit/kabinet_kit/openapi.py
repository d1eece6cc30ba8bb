"""What a service's OpenAPI document says beyond what flask-smorest infers, and the request rules
that go with it, so that the document tells the truth:

* every operation has an ``operationId`` (``<service>.<blueprint>.<view>``, unique across the
  gateway's merged document), declares its ``security`` (the bearer JWT unless the view says
  ``@blp.doc(security=[])``) and lists the problem+json answers it can give (400 for a body,
  401/403 with a token, 404 with a path parameter, 409 and the ``Idempotency-Key`` header where
  the view takes one);
* decimals are documented as JSON numbers (or strings where they are sent as strings);
* :class:`Blueprint` refuses a missing required JSON body (422 naming ``body``) or one that is
  not JSON (415), instead of reading it as ``{}``;
* path integers (``<int:...>``) stop at the 32-bit range: a larger one matches no route (404).
"""
from __future__ import annotations

import http
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

import flask_smorest
from apispec import APISpec, BasePlugin
from flask import Flask, request
from marshmallow import fields
from werkzeug.routing import IntegerConverter, Map

from .errors import InvalidInput, UnsupportedMediaType
from .etags import IF_MATCH_MARK, IF_MATCH_PARAMETER
from .schemas import INT32

BEARER = "bearer"
SECURITY_SCHEMES = {BEARER: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}
#: Set on a view (by ``idempotency.idempotent``) that honours the Idempotency-Key header.
IDEMPOTENT_MARK = "_kabinet_idempotent"
IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    "description": "Any unique string (a UUID): a retry with the same key and the same request gets the "
                   "first answer again (with Idempotent-Replayed: true) instead of a second change; the same "
                   "key with another request is a 409.",
}
#: The documented body of a file download (PDF, CSV, XLSX), with its Content-Disposition.
FILE = {"type": "string", "format": "binary"}
ATTACHMENT = {"Content-Disposition": {"description": "attachment; filename=...", "schema": {"type": "string"}}}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]  # flask-smorest ships no type information
    """flask-smorest's Blueprint whose required JSON bodies are really required."""

    def arguments(self, schema: Any, *, location: str = "json", required: bool = True,
                  **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        parse = super().arguments(schema, location=location, required=required, **kwargs)
        if location != "json" or not required:
            return parse  # type: ignore[no-any-return]

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            parsed = parse(view)

            @wraps(parsed)
            def checked(*args: Any, **kw: Any) -> Any:
                # webargs reads an absent or non-JSON body as {}: an empty save would succeed.
                raw = request.get_data(cache=True)
                if not raw.strip():
                    raise InvalidInput("This request needs a JSON body.",
                                       errors={"body": ["A JSON body is required."]})
                if not request.is_json:
                    raise UnsupportedMediaType("The body must be JSON (Content-Type: application/json).")
                return parsed(*args, **kw)
            return checked
        return decorator


class Int32Converter(IntegerConverter):
    """``<int:...>`` within a 32-bit column's range unless the rule gives its own ``max``."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = INT32[1],
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def _decimal_property(self: Any, field: fields.Field[Any], ret: dict[str, Any], **_kw: Any) -> dict[str, Any]:
    """apispec writes a Decimal's bounds as strings ("0.00") and its type as number even when it
    is sent as a string: bounds become numbers, a string decimal is documented as a string."""
    if not isinstance(field, fields.Decimal):
        return {}
    if field.as_string:
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            ret.pop(key, None)
        return {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$"}
    out: dict[str, Any] = {}
    for key in ("minimum", "maximum"):
        value = ret.get(key)
        if isinstance(value, (Decimal, str)):
            number = Decimal(value)
            out[key] = int(number) if number == number.to_integral_value() else float(number)
    return out


class ContractPlugin(BasePlugin):
    def __init__(self, app: Flask, service: str):
        self.app = app
        self.service = service

    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None,
                         **kwargs: Any) -> None:
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        view = self.app.view_functions.get(rule.endpoint)
        methods = [m for m in operations if m in HTTP_METHODS]
        for method in methods:
            operation = operations[method]
            _fold_form_fields(operation)
            operation_id = f"{self.service}.{rule.endpoint}"
            operation.setdefault("operationId", operation_id if len(methods) == 1 else f"{operation_id}.{method}")
            responses = operation.setdefault("responses", {})
            if operation.setdefault("security", [{BEARER: []}]):
                responses.setdefault("401", "UNAUTHORIZED")
                responses.setdefault("403", "FORBIDDEN")
            if rule.arguments:
                responses.setdefault("404", "NOT_FOUND")
            if "requestBody" in operation:
                responses.setdefault("400", "BAD_REQUEST")
            if view is not None and getattr(view, IDEMPOTENT_MARK, False):
                operation.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY_PARAMETER))
                responses.setdefault("409", "CONFLICT")
            # A MethodView's save is marked on its method, not on the rule's view.
            handler = getattr(getattr(view, "view_class", None), method, None)
            if view is not None and (getattr(view, IF_MATCH_MARK, False) or getattr(handler, IF_MATCH_MARK, False)):
                operation.setdefault("parameters", []).append(dict(IF_MATCH_PARAMETER))
                responses.setdefault("412", "PRECONDITION_FAILED")
                responses.setdefault("428", "PRECONDITION_REQUIRED")


def _fold_form_fields(operation: dict[str, Any]) -> None:
    """flask-smorest turns one body location into the requestBody and leaves a second (form fields
    beside a file upload) as OpenAPI 2 ``formData`` parameters, which OpenAPI 3 has not: both go
    into the one ``multipart/form-data`` body the client really sends."""
    form = [p for p in operation.get("parameters", []) if isinstance(p, dict) and p.get("in") == "formData"]
    if not form:
        return
    operation["parameters"] = [p for p in operation["parameters"] if p not in form]
    if not operation["parameters"]:
        del operation["parameters"]
    fields_schema: dict[str, Any] = {"type": "object", "properties": {
        p["name"]: {**p.get("schema", {}), **({"description": p["description"]} if "description" in p else {})}
        for p in form}}
    required = [p["name"] for p in form if p.get("required")]
    if required:
        fields_schema["required"] = required
    body = operation.setdefault("requestBody", {"required": True, "content": {}})
    media = body["content"].setdefault("multipart/form-data", {})
    media["schema"] = {"allOf": [media["schema"], fields_schema]} if "schema" in media else fields_schema
    for other in [c for c in body["content"] if c != "multipart/form-data"]:
        del body["content"][other]


def register_problem_responses(spec: APISpec, schema: Any, content_type: str) -> None:
    """flask-smorest's lazily registered response per status (and DEFAULT_ERROR), with ``schema``
    in ``content_type``: what its own ``_register_responses`` does, in the problem's type."""
    for status in http.HTTPStatus:
        response: dict[str, Any] = {"description": status.phrase}
        if not (100 <= status < 200) and status not in (204, 304):
            response["content"] = {content_type: {"schema": schema}}
        spec.components.response(status.name, response, lazy=True)
    spec.components.response("DEFAULT_ERROR", {"description": "An error (problem+json; see docs/api.md)",
                                               "content": {content_type: {"schema": schema}}}, lazy=True)


def spec_options(app: Flask, service: str, server_url: str | None) -> dict[str, Any]:
    """The ``spec_kwargs`` of a service's Api: the bearer scheme, the servers, the plugin."""
    options: dict[str, Any] = {"components": {"securitySchemes": SECURITY_SCHEMES},
                               "extra_plugins": [ContractPlugin(app, service)]}
    if server_url:
        options["servers"] = [{"url": server_url, "description": "through the gateway"}]
    return options


def install(api: flask_smorest.Api) -> None:
    """What needs the Api initialised: the decimal documentation."""
    api.ma_plugin.converter.add_attribute_function(_decimal_property)
