"""The merged OpenAPI walked into operations that name objects by id (in the path, the query or
the body), and plausible requests for them: the required fields of the request schema filled
with example-ish values, every id field with the object the case is about."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from .policy import LIST_KINDS, PARAM_KINDS, SHARED_KINDS

# In a query or a body these names are plain values (a term's number, a consent's purpose), not ids.
FIELD_KINDS = {k: v for k, v in PARAM_KINDS.items() if k not in ("number", "purpose")}

METHODS = ("get", "post", "put", "patch", "delete")
# Values for required fields that are not ids, by name (then by type and format).
HINTS: dict[str, Any] = {
    "month": "2026-11", "round_number": 1, "compare_round_number": 1, "value": "5", "weight": 1, "period": 1,
    "percent": 50, "daily_rate": "100.00", "hours": 1, "level": 1, "weekday": 1, "number": 1, "grade_level": 5,
    "login": "matrix-probe", "password": "Matrix-probe-2026!", "current_password": "kabinet-demo",
    "new_password": "Matrix-probe-2026!", "code": "probe", "registration_number": "МТ-2026/001", "status": "absent",
}
DATE, DATETIME = "2026-11-16", "2026-11-16T09:00:00+05:00"


@dataclass(frozen=True)
class Slot:
    where: str     # "path", "query" or "body"
    name: str      # the parameter or field name
    kind: str
    required: bool


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    service: str
    slots: tuple[Slot, ...]
    query: tuple[tuple[str, dict, bool], ...]   # (name, schema, required) of non-id query parameters
    body: dict | None                             # the request schema, references resolved

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def kinds(self) -> set[str]:
        return {s.kind for s in self.slots}

    @property
    def path_kinds(self) -> set[str]:
        return {s.kind for s in self.slots if s.where == "path"}


class Resolver:
    def __init__(self, spec: dict):
        self.components = spec.get("components", {})

    def __call__(self, node: Any, depth: int = 0) -> Any:
        if depth > 20:
            return node
        if isinstance(node, dict):
            if "$ref" in node:
                kind, name = node["$ref"].split("/")[-2:]
                return self(self.components[kind][name], depth + 1)
            if "allOf" in node:
                merged: dict = {"type": "object", "properties": {}, "required": []}
                for part in node["allOf"]:
                    part = self(part, depth + 1)
                    merged["properties"].update(part.get("properties", {}))
                    merged["required"] += part.get("required", [])
                return merged
            return {k: self(v, depth + 1) for k, v in node.items()}
        if isinstance(node, list):
            return [self(v, depth + 1) for v in node]
        return node


def _body_slots(schema: dict | None, required: bool = True) -> list[Slot]:
    """Id fields of a body. ``required``: whether the field is always acted on — a required one,
    or one inside the items of a list (each item is data to save, whether the list is optional
    or not); an optional single field may be ignored by the variant of the request."""
    if not isinstance(schema, dict):
        return []
    if schema.get("type") == "array":
        return _body_slots(schema.get("items"), True)
    slots = []
    needed = set(schema.get("required", []))
    for name, prop in (schema.get("properties") or {}).items():
        if prop.get("readOnly"):
            continue
        if name in FIELD_KINDS:
            slots.append(Slot("body", name, FIELD_KINDS[name], required and name in needed))
        elif name in LIST_KINDS:
            slots.append(Slot("body", name, LIST_KINDS[name], True))
        slots += _body_slots(prop, required and name in needed)
    return slots


def operations(spec: dict) -> tuple[list[Operation], list[str]]:
    """The operations that name an object by id, and the path parameters no kind is known for."""
    resolve = Resolver(spec)
    found, unknown = [], []
    for template, item in sorted(spec["paths"].items()):
        match = re.match(r"^/api/([^/]+)/", template)
        service = match.group(1) if match else "gateway"
        common = resolve(item.get("parameters", []))
        for method in METHODS:
            op = item.get(method)
            if not isinstance(op, dict):
                continue
            params = {(p["in"], p["name"]): p for p in common + resolve(op.get("parameters", []))}
            slots, query = [], []
            for (where, name), p in params.items():
                if where == "path":
                    if name not in PARAM_KINDS:
                        unknown.append(f"{method.upper()} {template}: {{{name}}}")
                        continue
                    slots.append(Slot("path", name, PARAM_KINDS[name], True))
                elif where == "query" and name in FIELD_KINDS:
                    slots.append(Slot("query", name, FIELD_KINDS[name], bool(p.get("required"))))
                elif where == "query":
                    query.append((name, p.get("schema", {}), bool(p.get("required"))))
            body = None
            if op.get("requestBody"):
                content = resolve(op["requestBody"]).get("content", {})
                media = content.get("application/json") or next(iter(content.values()), {})
                body = media.get("schema")
                slots += _body_slots(body)
            if any(s.kind not in SHARED_KINDS for s in slots) or any(s.where == "path" for s in slots):
                found.append(Operation(method.upper(), template, service, tuple(slots), tuple(query), body))
    return found, unknown


def _names_any(name: str, schema: dict, ids: dict[str, str], depth: int = 0) -> bool:
    """Whether a field, or any field inside it, names an object of a kind the case is about."""
    if name in FIELD_KINDS or name in LIST_KINDS:
        return {**FIELD_KINDS, **LIST_KINDS}[name] in ids
    if depth > 10 or not isinstance(schema, dict):
        return False
    if schema.get("type") == "array":
        return _names_any("", schema.get("items") or {}, ids, depth + 1)
    return any(_names_any(k, v, ids, depth + 1) for k, v in (schema.get("properties") or {}).items())


def example(schema: dict | None, ids: dict[str, str], name: str = "", variant: int = 0,
            optional: frozenset[str] = frozenset()) -> Any:
    """A plausible value for ``schema``: ids from ``ids`` (kind → id), the rest example-ish;
    ``variant`` picks another value of each choice (an order's kind, a consent's purpose). Of the
    optional fields only those naming an object of a kind in ``optional`` are sent: the smallest
    body that names the objects the case is about."""
    schema = schema or {}
    ids_for = {k: v for k, v in ids.items() if k in optional}
    if name in FIELD_KINDS:
        return ids.get(FIELD_KINDS[name], str(uuid.uuid4()))
    if name in LIST_KINDS:
        return [ids[LIST_KINDS[name]]] if LIST_KINDS[name] in ids else []
    if "enum" in schema:
        return schema["enum"][variant % len(schema["enum"])]
    if name in HINTS:
        return HINTS[name]
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties") or {}
        needed = set(schema.get("required", []))
        out = {k: example(v, ids, k, variant, optional) for k, v in props.items()
               if not v.get("readOnly") and (k in needed or _names_any(k, v, ids_for))}
        if not out and props:  # a change of nothing proves nothing: change the first field
            k, v = next((k, v) for k, v in props.items() if not v.get("readOnly"))
            out[k] = example(v, ids, k, variant, optional)
        return out
    if kind == "array":
        items = schema.get("items")
        count = max(int(schema.get("minItems", 1)), 1)
        return [example(items, ids, name, variant + i, optional) for i in range(count)] if items else []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return max(float(schema.get("minimum", 1)), 1.0)
    if kind == "boolean":
        return False
    if fmt == "date":
        return DATE
    if fmt == "date-time":
        return DATETIME
    if fmt == "uuid":
        return str(uuid.uuid4())
    text = "Проба матрицы безопасности"
    low, high = int(schema.get("minLength", 0)), int(schema.get("maxLength", 200))
    return (text * (low // len(text) + 1))[:max(low, min(high, len(text)))]
