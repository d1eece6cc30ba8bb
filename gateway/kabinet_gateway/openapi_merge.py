"""One OpenAPI document for the whole API: each service's spec under ``/api/<service>``.

Paths are prefixed, component names become ``<service>.<Name>`` (and every ``$ref`` to them is
rewritten) so two services' ``Error`` schemas cannot collide, operation ids get the service
as a prefix (the kit's already carry it) and tags are grouped by service. Security schemes with the same definition are
shared; a differing one is renamed like the other components.
"""
from __future__ import annotations

import copy
from typing import Any

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
COMPONENT_KINDS = ("schemas", "responses", "parameters", "examples", "requestBodies", "headers", "links",
                   "callbacks")


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value in renames:
                out[key] = renames[value]
            else:
                out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


def _rename_security(requirements, names: dict[str, str]):
    if not isinstance(requirements, list):
        return requirements
    return [{names.get(k, k): v for k, v in req.items()} for req in requirements if isinstance(req, dict)]


def merge_specs(specs: dict[str, dict], *, title: str = "Kabinet API", version: str = "1.0.0",
                gateway_spec: dict | None = None, missing: dict[str, str] | None = None) -> dict:
    """``specs``: service name → its own OpenAPI document (paths relative to the service)."""
    merged: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": title, "version": version},
        "servers": [{"url": "/"}],
        "paths": {},
        "components": {"securitySchemes": {}},
        "tags": [],
    }
    components = merged["components"]
    security_schemes = components["securitySchemes"]
    documents = dict(sorted(specs.items()))
    if gateway_spec:
        documents = {"gateway": gateway_spec, **documents}

    for service, original in documents.items():
        spec = copy.deepcopy(original)
        prefix = "" if service == "gateway" else f"/api/{service}"
        src_components = spec.get("components") or {}

        renames: dict[str, str] = {}
        for kind in COMPONENT_KINDS:
            for name in (src_components.get(kind) or {}):
                renames[f"#/components/{kind}/{name}"] = f"#/components/{kind}/{service}.{name}"
        # OpenAPI 2-style refs occasionally slip in from generators.
        for name in (spec.get("definitions") or {}):
            renames[f"#/definitions/{name}"] = f"#/components/schemas/{service}.{name}"

        security_names: dict[str, str] = {}
        for name, scheme in (src_components.get("securitySchemes") or {}).items():
            if name not in security_schemes or security_schemes[name] == scheme:
                security_schemes[name] = scheme
                security_names[name] = name
            else:
                security_names[name] = f"{service}.{name}"
                security_schemes[f"{service}.{name}"] = scheme

        for kind in COMPONENT_KINDS:
            for name, value in (src_components.get(kind) or {}).items():
                components.setdefault(kind, {})[f"{service}.{name}"] = _rewrite_refs(value, renames)

        default_security = _rename_security(spec.get("security"), security_names)
        known_tags = {t.get("name"): t for t in spec.get("tags") or [] if isinstance(t, dict)}
        used_tags: set[str] = set()

        for path, item in (spec.get("paths") or {}).items():
            item = _rewrite_refs(item, renames)
            for method, operation in list(item.items()):
                if method not in HTTP_METHODS or not isinstance(operation, dict):
                    continue
                operation_id = operation.get("operationId")
                if operation_id and not operation_id.startswith(f"{service}."):
                    operation["operationId"] = f"{service}.{operation_id}"
                tags = operation.get("tags") or ["default"]
                operation["tags"] = [f"{service}: {t}" for t in tags]
                used_tags.update(tags)
                if "security" in operation:
                    operation["security"] = _rename_security(operation["security"], security_names)
                elif default_security is not None:
                    operation["security"] = default_security
            full = prefix + ("" if path == "/" and prefix else path) if prefix else path
            merged["paths"][full or "/"] = item

        for tag in sorted(used_tags):
            entry = dict(known_tags.get(tag, {}))
            entry["name"] = f"{service}: {tag}"
            merged["tags"].append(entry)

    described = ", ".join(documents)
    description = f"The Kabinet services behind the gateway, merged: {described}."
    if missing:
        description += " Not available right now: " + ", ".join(f"{k} ({v})" for k, v in sorted(missing.items())) + "."
        merged["info"]["x-kabinet-missing-services"] = dict(sorted(missing.items()))
    merged["info"]["description"] = description
    if not security_schemes:
        del components["securitySchemes"]
    return merged
