"""Issue 12: the merged document the gateway serves passes openapi-spec-validator, with every
operation's id unique, its security and its problem+json answers — built here from the
gateway's own document and two documents the kit generates as the services' are."""
from __future__ import annotations

from marshmallow import fields

from kabinet_gateway.openapi_merge import merge_specs
from kabinet_kit.openapi import Blueprint
from kabinet_kit.schemas import Schema
from kabinet_kit.testing.openapi import incomplete_operations, operations, validate_document
from kabinet_kit.web import create_base_app


class ThingIn(Schema):
    name = fields.String(required=True)
    size = fields.Integer()


def _service_document(name: str) -> dict:
    app, api = create_base_app(name, title=name, server_url=f"/api/{name}")
    blp = Blueprint("things", __name__)

    @blp.post("/things/<uuid:thing_id>")
    @blp.arguments(ThingIn, example={"name": "x", "size": 1})
    @blp.response(201, ThingIn)
    def save(body, thing_id):
        return body

    @blp.get("/public")
    @blp.doc(security=[])
    def public():
        return {}

    api.register_blueprint(blp)
    return app.test_client().get("/openapi.json").json


def test_the_merged_document_is_valid_and_complete(make_app):
    gateway_spec = make_app().extensions["kabinet.gateway_spec"]()
    merged = merge_specs({"identity": _service_document("identity"), "journal": _service_document("journal")},
                         gateway_spec=gateway_spec)
    validate_document(merged)
    assert incomplete_operations(merged) == []
    ids = [op["operationId"] for _path, _method, op, _params in operations(merged)]
    assert len(ids) == len(set(ids))
    assert {"identity.things.save", "journal.things.save", "gateway.overview.overview"} <= set(ids)
    save = merged["paths"]["/api/journal/things/{thing_id}"]["post"]
    assert save["responses"]["401"] == {"$ref": "#/components/responses/journal.UNAUTHORIZED"}
    assert merged["components"]["responses"]["journal.UNAUTHORIZED"]["content"] == {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/journal.Problem"}}}
    assert merged["paths"]["/api/identity/public"]["get"]["security"] == []
    assert merged["paths"]["/api/me/overview"]["get"]["security"] == [{"bearer": []}]
