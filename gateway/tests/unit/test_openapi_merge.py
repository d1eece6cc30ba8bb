"""Merging the services' OpenAPI documents under their prefixes."""
from kabinet_gateway.openapi_merge import merge_specs

BEARER = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


def _spec(error_desc: str, op: str) -> dict:
    return {
        "openapi": "3.0.3", "info": {"title": "x", "version": "1"},
        "tags": [{"name": "Things", "description": f"{op} things"}],
        "paths": {
            "/things/{id}": {
                "parameters": [{"$ref": "#/components/parameters/Id"}],
                "get": {"operationId": op, "tags": ["Things"], "security": [{"bearer": []}],
                        "responses": {"200": {"description": "ok", "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Thing"}}}},
                                      "default": {"$ref": "#/components/responses/Default"}}},
            },
        },
        "components": {
            "schemas": {"Thing": {"type": "object", "properties": {"error": {"$ref": "#/components/schemas/Error"}}},
                        "Error": {"type": "object", "description": error_desc}},
            "responses": {"Default": {"description": "error", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}},
            "parameters": {"Id": {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}},
            "securitySchemes": {"bearer": BEARER},
        },
    }


def test_paths_prefixed_and_components_namespaced():
    merged = merge_specs({"identity": _spec("identity error", "get_thing"),
                          "journal": _spec("journal error", "get_thing")})
    assert set(merged["paths"]) == {"/api/identity/things/{id}", "/api/journal/things/{id}"}
    schemas = merged["components"]["schemas"]
    assert schemas["identity.Error"]["description"] == "identity error"
    assert schemas["journal.Error"]["description"] == "journal error"
    assert schemas["journal.Thing"]["properties"]["error"]["$ref"] == "#/components/schemas/journal.Error"
    op = merged["paths"]["/api/journal/things/{id}"]["get"]
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"] == "#/components/schemas/journal.Thing"
    assert op["responses"]["default"]["$ref"] == "#/components/responses/journal.Default"
    assert merged["paths"]["/api/journal/things/{id}"]["parameters"][0]["$ref"] == "#/components/parameters/journal.Id"
    assert op["operationId"] == "journal.get_thing"
    assert op["tags"] == ["journal: Things"]
    assert {"name": "journal: Things", "description": "get_thing things"} in merged["tags"]
    # Same bearer scheme in both: shared, not duplicated.
    assert merged["components"]["securitySchemes"] == {"bearer": BEARER}
    assert op["security"] == [{"bearer": []}]


def test_every_ref_points_at_an_existing_component():
    merged = merge_specs({"identity": _spec("a", "x"), "journal": _spec("b", "y")})
    refs = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "$ref":
                    refs.append(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(merged)
    assert refs
    for ref in refs:
        _, _, kind, name = ref.split("/", 3)
        assert name in merged["components"][kind], ref


def test_conflicting_security_scheme_is_renamed():
    other = _spec("b", "y")
    other["components"]["securitySchemes"]["bearer"] = {"type": "apiKey", "in": "header", "name": "X-Key"}
    merged = merge_specs({"identity": _spec("a", "x"), "journal": other})
    assert merged["components"]["securitySchemes"]["journal.bearer"]["type"] == "apiKey"
    assert merged["paths"]["/api/journal/things/{id}"]["get"]["security"] == [{"journal.bearer": []}]


def test_missing_services_are_named_and_gateway_paths_kept():
    gateway = {"paths": {"/api/me/overview": {"get": {"operationId": "overview", "responses": {}}}},
               "components": {"schemas": {"Overview": {"type": "object"}}}}
    merged = merge_specs({"identity": _spec("a", "x")}, gateway_spec=gateway, missing={"journal": "unavailable"})
    assert "/api/me/overview" in merged["paths"]
    assert "gateway.Overview" in merged["components"]["schemas"]
    assert merged["info"]["x-kabinet-missing-services"] == {"journal": "unavailable"}
    assert "journal (unavailable)" in merged["info"]["description"]
