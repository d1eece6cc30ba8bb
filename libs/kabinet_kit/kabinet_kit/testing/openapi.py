"""Checks of an OpenAPI document for every tier's tests: the document is valid, each operation is
complete (id, security, problem answers), every integer it takes is bounded, and a real answer
is what the document says for its operation and status (through openapi-core)."""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_spec_validator import validate

PROBLEM = "application/problem+json"
METHODS = ("get", "put", "post", "delete", "patch")
#: Beyond any column; also what a JSON number too large for a double looks like to Python.
HUGE = 10**20


def validate_document(document: dict[str, Any]) -> None:
    """Raises openapi-spec-validator's error when the document is not valid OpenAPI."""
    validate(document)


def resolve(document: dict[str, Any], node: Any) -> Any:
    """``node`` with a local ``$ref`` followed (once; call again on the parts)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    """(path, method, operation, parameters including the path item's) of every operation."""
    for path, item in document["paths"].items():
        shared = [resolve(document, p) for p in item.get("parameters", [])]
        for method in METHODS:
            if method in item:
                operation = item[method]
                own = [resolve(document, p) for p in operation.get("parameters", [])]
                yield path, method, operation, shared + own


def incomplete_operations(document: dict[str, Any]) -> list[str]:
    """What each operation lacks of what a client needs: an id, its security, its problems."""
    gaps = []
    for path, method, operation, _params in operations(document):
        where = f"{method.upper()} {path}"
        if not operation.get("operationId"):
            gaps.append(f"{where}: no operationId")
        if "security" not in operation and "security" not in document:
            gaps.append(f"{where}: no security")
        for status, response in operation.get("responses", {}).items():
            if status == "default" or int(status) >= 400:
                content = resolve(document, response).get("content", {})
                if list(content) != [PROBLEM]:
                    gaps.append(f"{where}: {status} is documented as {list(content)}, not {PROBLEM}")
        if "default" not in operation.get("responses", {}):
            gaps.append(f"{where}: no default (problem) response")
    return gaps


def _inline(document: dict[str, Any], node: Any, depth: int = 0) -> Any:
    node = resolve(document, node)
    if depth > 20:
        return {}
    if isinstance(node, dict):
        return {k: _inline(document, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(document, v, depth + 1) for v in node]
    return node


def example_failures(document: dict[str, Any]) -> list[str]:
    """Request body examples that their own schema refuses."""
    from openapi_schema_validator import OAS30Validator
    failures = []
    for path, method, operation, _params in operations(document):
        for media in operation.get("requestBody", {}).get("content", {}).values():
            examples = [media["example"]] if "example" in media else []
            examples += [e.get("value") for e in (media.get("examples") or {}).values()]
            validator = OAS30Validator(_inline(document, media.get("schema", {})))
            for example in examples:
                failures += [f"{method.upper()} {path}: {e.message}" for e in validator.iter_errors(example)]
    return failures


def with_examples(document: dict[str, Any]) -> set[str]:
    """The operationIds whose request body has an example."""
    return {op["operationId"] for _p, _m, op, _ps in operations(document)
            for media in op.get("requestBody", {}).get("content", {}).values()
            if "example" in media or media.get("examples")}


@dataclass
class Probe:
    """One request sending ``value`` in the integer ``name`` of one operation."""
    method: str
    path: str
    name: str
    value: int
    where: str  # query | path | body
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None


def _fill_path(path: str, params: list[dict[str, Any]], document: dict[str, Any],
               override: tuple[str, int] | None = None) -> str:
    for p in params:
        if p.get("in") != "path":
            continue
        schema = resolve(document, p.get("schema", {}))
        if override and p["name"] == override[0]:
            value: Any = override[1]
        elif schema.get("type") == "integer":
            value = 2**31 - 1  # a valid id that names nothing
        elif schema.get("format") == "uuid":
            value = uuid.uuid4()
        else:
            value = "x"
        path = path.replace("{" + p["name"] + "}", str(value))
    return path


def _outside(schema: dict[str, Any]) -> list[int]:
    values = [HUGE]
    if isinstance(schema.get("maximum"), int):
        values.append(schema["maximum"] + 1)
    if isinstance(schema.get("minimum"), int):
        values.append(schema["minimum"] - 1)
    return values


def _integer_leaves(document: dict[str, Any], schema: Any,
                    depth: int = 0) -> Iterator[tuple[list[Any], dict[str, Any]]]:
    """(where in a body, schema) of every integer a body schema holds: object keys and list items."""
    schema = resolve(document, schema)
    if depth > 6 or not isinstance(schema, dict):
        return
    if schema.get("type") == "integer":
        yield [], schema
    elif schema.get("type") == "array":
        for route, leaf in _integer_leaves(document, schema.get("items", {}), depth + 1):
            yield [0, *route], leaf
    for name, prop in (schema.get("properties") or {}).items():
        if resolve(document, prop).get("readOnly"):
            continue
        for route, leaf in _integer_leaves(document, prop, depth + 1):
            yield [name, *route], leaf


def _body_at(route: list[Any], value: int) -> Any:
    body: Any = value
    for step in reversed(route):
        body = [body] if isinstance(step, int) else {step: body}
    return body


def integer_probes(document: dict[str, Any]) -> list[Probe]:
    """Every integer an operation takes (query, path, JSON body), each with values outside its
    documented range and one beyond any column."""
    probes = []
    for path, method, operation, params in operations(document):
        for p in params:
            schema = resolve(document, p.get("schema", {}))
            if schema.get("type") != "integer" or p["in"] not in ("query", "path"):
                continue
            for value in _outside(schema):
                if p["in"] == "query":
                    probes.append(Probe(method, _fill_path(path, params, document), p["name"], value, "query",
                                        query={p["name"]: value}))
                else:
                    probes.append(Probe(method, _fill_path(path, params, document, (p["name"], value)), p["name"],
                                        value, "path"))
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            for route, leaf in _integer_leaves(document, body["schema"]):
                for value in _outside(leaf):
                    name = next((str(step) for step in reversed(route) if isinstance(step, str)), "body")
                    probes.append(Probe(method, _fill_path(path, params, document), name, value, "body",
                                        body=_body_at(route, value)))
    return probes


def unbounded_integers(document: dict[str, Any]) -> list[str]:
    """Integers a client sends whose range the document does not state."""
    gaps = []
    for path, method, operation, params in operations(document):
        for p in params:
            schema = resolve(document, p.get("schema", {}))
            if schema.get("type") == "integer" and ("maximum" not in schema or "minimum" not in schema):
                gaps.append(f"{method.upper()} {path} {p['in']} {p['name']}")
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            for route, leaf in _integer_leaves(document, body["schema"]):
                if "maximum" not in leaf or "minimum" not in leaf:
                    gaps.append(f"{method.upper()} {path} body {'.'.join(map(str, route))}")
    return gaps


class ResponseChecker:
    """Real answers against the document: ``check`` raises openapi-core's error when the answer
    is not what the document says for that operation and status."""

    def __init__(self, document: dict[str, Any], host: str = "http://localhost"):
        self.openapi = OpenAPI.from_dict(document, config=Config(
            extra_media_type_deserializers={PROBLEM: json.loads}))
        servers = document.get("servers") or [{"url": "/"}]
        self.prefix = servers[0]["url"].rstrip("/") if servers[0]["url"].startswith("/") else ""
        self.host = host

    def check(self, method: str, path: str, status: int, content_type: str, body: bytes,
              query: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        """``path``: as the app saw it (below the document's server)."""
        request = MockRequest(self.host, method, self.prefix + path, args=query)
        response = MockResponse(body, status_code=status, content_type=content_type.split(";")[0],
                                headers=headers or {})
        self.openapi.validate_response(request, response)


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class Sender(Protocol):
    """How a tier sends: ``send(method, path, query=, json=, data=, auth=)`` → :class:`Answer`,
    ``path`` below the document's server; ``auth=False`` sends no token."""

    def __call__(self, method: str, path: str, *, query: dict[str, Any] | None = None, json: Any = None,
                 data: bytes | None = None, auth: bool = True) -> Answer: ...


def out_of_range_failures(document: dict[str, Any], send: Sender) -> list[str]:
    """Every integer probe must be refused: 422 naming the field (404 for a path integer)."""
    failures = []
    for probe in integer_probes(document):
        answer = send(probe.method.upper(), probe.path, query=probe.query, json=probe.body)
        body = answer.json if answer.content_type.startswith(("application/json", PROBLEM)) else None
        named = probe.name in json.dumps((body or {}).get("errors", {}), ensure_ascii=False)
        if not ((answer.status == 422 and named) or (probe.where == "path" and answer.status == 404)):
            failures.append(f"{probe.method.upper()} {probe.path} {probe.where} {probe.name}={probe.value}: "
                            f"{answer.status} {answer.body[:300]!r}")
    return failures


def error_answer_failures(document: dict[str, Any], send: Sender) -> tuple[list[str], dict[int, int]]:
    """Real error answers of every operation checked against what the document says for that
    operation and status: without a token (401), with unknown ids (404), with a body that is
    not JSON (400). Returns the failures and how many answers of each status were checked."""
    checker = ResponseChecker(document)
    failures: list[str] = []
    seen: dict[int, int] = {}

    def check(method: str, path: str, answer: Answer, wanted: tuple[int, ...]) -> None:
        seen[answer.status] = seen.get(answer.status, 0) + 1
        if answer.status not in wanted:
            failures.append(f"{method} {path}: {answer.status}, wanted {wanted}: {answer.body[:200]!r}")
            return
        try:
            checker.check(method, path, answer.status, answer.content_type, answer.body, headers=answer.headers)
        except Exception as exc:  # noqa: BLE001 - every mismatch is reported, not just the first
            failures.append(f"{method} {path} {answer.status}: {exc!r} {getattr(exc, '__cause__', '')!r}")

    for path, method, operation, params in operations(document):
        verb = method.upper()
        filled = _fill_path(path, params, document)
        validated_first = "requestBody" in operation or any(p["in"] == "query" and p.get("required") for p in params)
        if operation.get("security", document.get("security")):
            # A service checks what it is sent before who sends it; the gateway, the token first.
            check(verb, filled, send(verb, filled, auth=False), (401, 422) if validated_first else (401,))
        if "requestBody" in operation:
            # Broken JSON: 400 where JSON is the body. A form upload reads it as an empty form:
            # refused (415/422), or, when every field is optional, the unknown id's 404.
            json_body = any("json" in media for media in operation["requestBody"].get("content", {}))
            form_answers = (415, 422, 404) if any(p["in"] == "path" for p in params) else (415, 422)
            broken = send(verb, filled, data=b'{"broken": ', auth=True)
            check(verb, filled, broken, (400,) if json_body else form_answers)
        if any(p["in"] == "path" for p in params) and not any(p["in"] == "query" and p.get("required")
                                                              for p in params):
            # Unknown ids: 404 (or first a 403 for the caller's role, a 422 for a missing body).
            check(verb, filled, send(verb, filled, auth=True), (403, 404, 422))
    return failures, seen


class AppSender(Sender):
    """Sends through an :class:`~kabinet_kit.testing.client.ApiClient` as ``login``."""

    def __init__(self, api: Any, login: str):
        self.api, self.login = api, login

    def __call__(self, method: str, path: str, *, query: dict[str, Any] | None = None, json: Any = None,
                 data: bytes | None = None, auth: bool = True) -> Answer:
        headers = {"Authorization": f"Bearer {self.api.token(self.login)}"} if auth else {}
        kwargs: dict[str, Any] = {"query_string": query or {}, "headers": headers}
        if json is not None:
            kwargs["json"] = json
        elif data is not None:
            kwargs.update(data=data, content_type="application/json")
        response = self.api.client.open(path, method=method, **kwargs)
        return Answer(response.status_code, response.content_type or "", response.get_data(), dict(response.headers))
