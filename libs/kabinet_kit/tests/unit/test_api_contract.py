"""Issue 12: what the kit gives every service's API — problem+json with a stable type URI and a
Russian title, documented as such; bounded integers (a huge one is a 422 naming the field, not a
500 from the database); required bodies that are really required; a 405 with Allow; a document
that passes openapi-spec-validator with an id, security and problems for every operation."""
from __future__ import annotations

import pytest
from marshmallow import fields, validate

from kabinet_kit.idempotency import idempotency_table, idempotent
from kabinet_kit.openapi import Blueprint
from kabinet_kit.problems import CODE_BY_STATUS, KINDS, PROBLEM_BASE, TITLES
from kabinet_kit.schemas import Int64, Schema
from kabinet_kit.testing.openapi import (
    ResponseChecker,
    incomplete_operations,
    integer_probes,
    unbounded_integers,
    validate_document,
)
from kabinet_kit.web import create_base_app


class ItemIn(Schema):
    count = fields.Integer(required=True)
    small = fields.Integer(validate=validate.Range(min=1, max=5))
    big = Int64()
    tags = fields.List(fields.Integer())
    price = fields.Decimal(places=2, validate=validate.Range(min=0, max=1000))


class ItemOut(Schema):
    price = fields.Decimal(as_string=True, places=2)


class ArchiveIn(Schema):
    reason = fields.String()


class PageQuery(Schema):
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


@pytest.fixture
def app():
    from sqlalchemy import MetaData
    app, api = create_base_app("sample", title="sample", server_url="/api/sample")
    blp = Blueprint("items", __name__)
    table = idempotency_table(MetaData())

    @blp.get("/items")
    @blp.arguments(PageQuery, location="query")
    def list_items(query):
        return {"offset": query["offset"]}

    @blp.post("/items")
    @idempotent(table, lambda: "x")
    @blp.arguments(ItemIn)
    @blp.response(201, ItemOut)
    def add_item(body):
        return {"price": body.get("price", 0)}

    @blp.post("/items/<int:number>/archive")
    @blp.arguments(ArchiveIn, required=False)
    @blp.doc(security=[])
    def archive(body, number):
        return {"number": number, "body": body}

    api.register_blueprint(blp)
    return app


def test_the_document_is_valid_and_every_operation_complete(app):
    document = app.test_client().get("/openapi.json").json
    validate_document(document)
    assert incomplete_operations(document) == []
    assert unbounded_integers(document) == []
    assert document["servers"] == [{"url": "/api/sample", "description": "through the gateway"}]
    add = document["paths"]["/items"]["post"]
    assert add["operationId"] == "sample.items.add_item" and add["security"] == [{"bearer": []}]
    assert {"400", "401", "403", "409", "422", "default"} <= set(add["responses"])
    assert [p["name"] for p in add["parameters"]] == ["Idempotency-Key"]
    archive = document["paths"]["/items/{number}/archive"]["post"]
    assert archive["security"] == [] and "401" not in archive["responses"] and "404" in archive["responses"]
    problem = document["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert problem == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    schemas = document["components"]["schemas"]
    assert schemas["Problem"]["required"] == ["status", "title", "type"]
    assert schemas["ItemIn"]["properties"]["count"]["maximum"] == 2**31 - 1
    assert schemas["ItemIn"]["properties"]["big"]["maximum"] == 2**63 - 1
    assert schemas["ItemIn"]["properties"]["small"] | {} == {"type": "integer", "minimum": 1, "maximum": 5}
    assert schemas["ItemIn"]["properties"]["price"] == {"type": "number", "minimum": 0, "maximum": 1000}
    assert schemas["ItemOut"]["properties"]["price"]["type"] == "string"


def test_numbers_beyond_their_column_are_422_naming_the_field(app):
    client = app.test_client()
    for body in ({"count": 2**31}, {"count": 10**20}, {"count": 1, "tags": [2**40]}, {"count": 1, "big": 2**63}):
        response = client.post("/items", json=body)
        assert response.status_code == 422, body
        assert set(response.json["errors"]) == set(body) - {"count"} or "count" in response.json["errors"]
    assert client.post("/items", json={"count": 1, "big": 2**62}).status_code == 201
    offset = client.get("/items?offset=9223372036854775808")
    assert offset.status_code == 422 and "offset" in offset.json["errors"]
    assert client.post(f"/items/{2**31}/archive").status_code == 404  # no route: not a 500
    assert client.post("/items/7/archive").json == {"number": 7, "body": {}}


def test_every_integer_probe_of_the_document_is_refused(app):
    client = app.test_client()
    document = client.get("/openapi.json").json
    probes = integer_probes(document)
    assert {(p.name, p.where) for p in probes} >= {("offset", "query"), ("count", "body"), ("tags", "body"),
                                                     ("number", "path")}
    for probe in probes:
        response = client.open(probe.path, method=probe.method.upper(), query_string=probe.query, json=probe.body)
        assert response.status_code in (404, 422), probe


def test_a_required_body_that_is_missing_is_refused_naming_the_body(app):
    client = app.test_client()
    empty = client.post("/items")
    assert empty.status_code == 422 and empty.json["errors"] == {"body": ["Нужно тело запроса в формате JSON."]}
    text = client.post("/items", data="count=1", content_type="text/plain")
    assert text.status_code == 415
    assert text.json["type"] == PROBLEM_BASE + "unsupported-media-type"


def test_problems_have_a_type_per_kind_and_a_russian_title(app):
    client = app.test_client()
    missing = client.get("/nothing-here")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert missing.json["type"] == "https://kabinet.example/problems/not-found"
    assert missing.json["title"] == "Не найдено"
    malformed = client.post("/items", data=b'{"count": ', content_type="application/json")
    assert malformed.status_code == 400 and malformed.json["type"] == PROBLEM_BASE + "malformed-body"
    invalid = client.post("/items", json={"count": "many"})
    assert invalid.json["type"] == PROBLEM_BASE + "invalid-input" and invalid.json["title"] == "Неверные данные"
    assert invalid.json["errors"] == {"count": ["Ожидается целое число."]}
    assert all(KINDS[code][0] == status for status, code in CODE_BY_STATUS.items())
    assert all(any("а" <= ch.lower() <= "я" for ch in title) for title in TITLES.values())


def test_a_405_names_the_allowed_methods(app):
    response = app.test_client().delete("/items")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert response.json["type"] == PROBLEM_BASE + "method-not-allowed"


def test_real_problems_match_the_documented_schema(app):
    client = app.test_client()
    checker = ResponseChecker(client.get("/openapi.json").json)
    for method, path, status, kwargs in (("POST", "/items", 400, {"data": b"{", "content_type": "application/json"}),
                                         ("POST", "/items", 422, {"json": {"count": "x"}}),
                                         ("GET", "/items", 422, {"query_string": {"offset": -1}})):
        response = client.open(path, method=method, **kwargs)
        assert response.status_code == status
        checker.check(method, path, status, response.content_type, response.get_data(),
                      query=kwargs.get("query_string"))


def test_docs_list_every_problem_type_with_its_title():
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[4] / "docs" / "api.md").read_text()
    for code, (status, title) in KINDS.items():
        assert f"| `{code}` | {status} | {title} |" in doc, code
