"""Producers are held to the contract exactly; consumers read what they know and drop the rest.
And the marshmallow → JSON Schema converter behind the snapshots and the AsyncAPI document."""
from __future__ import annotations

import copy
from typing import Any

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from kabinet_contracts import REGISTRY, EventRegistry
from kabinet_contracts.json_schema import to_json_schema
from kabinet_contracts.testing import next_minor_revision, with_added_field

MARK = "journal.mark.recorded.v1"


def _mark(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(REGISTRY.get(MARK).example), **changes}


def test_a_producer_may_not_send_an_undeclared_field() -> None:
    with pytest.raises(ValidationError) as error:
        REGISTRY.validate(MARK, _mark(added_in_minor="x"))
    assert "added_in_minor" in error.value.messages


def test_a_consumer_drops_fields_it_does_not_know() -> None:
    read = REGISTRY.read(MARK, _mark(added_in_minor="x"))
    assert "added_in_minor" not in read
    assert read == REGISTRY.validate(MARK, _mark())


@pytest.mark.parametrize("data, field", [
    ({"mark_id": None}, "mark_id"),
    ({"weight": "heavy"}, "weight"),
    ({"date": "14.09.2026"}, "date"),
    ({"scale": "ten"}, "scale"),
], ids=["null-required", "mistyped", "bad-date", "not-in-enum"])
def test_a_consumer_still_refuses_bad_known_fields(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        REGISTRY.read(MARK, _mark(added_in_minor="x", **data))
    assert field in error.value.messages


def test_a_consumer_still_refuses_a_missing_required_field() -> None:
    data = _mark(added_in_minor="x")
    del data["child_id"]
    with pytest.raises(ValidationError) as error:
        REGISTRY.read(MARK, data)
    assert "child_id" in error.value.messages


class Line(Schema):
    code = fields.String(required=True)


class Order(Schema):
    order_id = fields.UUID(required=True)
    lines = fields.List(fields.Nested(Line), required=True)
    owner = fields.Nested(Line, allow_none=True, load_default=None)


def test_unknown_fields_inside_nested_objects_are_dropped_too() -> None:
    registry = EventRegistry()
    registry.register("journal.order.placed.v1", Order, {}, "An order.")
    data = {"order_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "lines": [{"code": "a", "new": 1}],
            "owner": {"code": "b", "new": 2}, "new": 3}
    assert registry.read("journal.order.placed.v1", data) == {
        "order_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "lines": [{"code": "a"}], "owner": {"code": "b"}}
    # Reading leniently leaves the strict producer path as it was, nested objects included.
    nested_only = {"order_id": data["order_id"], "lines": [{"code": "a", "new": 1}], "owner": None}
    with pytest.raises(ValidationError) as error:
        registry.validate("journal.order.placed.v1", nested_only)
    assert error.value.messages == {"lines": {0: {"new": ["Unknown field."]}}}


class Everything(Schema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=20))
    number = fields.Integer(validate=validate.Range(min=1, max=5))
    ratio = fields.Float(validate=validate.Range(min=0, max=1, min_inclusive=False))
    money = fields.Decimal()
    money_text = fields.Decimal(as_string=True)
    flag = fields.Boolean()
    ident = fields.UUID(data_key="id")
    day = fields.Date()
    moment = fields.AwareDateTime()
    mail = fields.Email()
    codes = fields.List(fields.String(), validate=validate.Length(equal=2))
    pair = fields.Tuple((fields.String(), fields.Integer()))
    child = fields.Nested(Line)
    children = fields.Nested(Line, many=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Integer())
    anything = fields.Raw(allow_none=True)
    level = fields.String(allow_none=True, validate=validate.OneOf(["low", "high"]))
    secret = fields.String(load_only=True)


def test_converter_covers_the_field_types_of_the_contracts() -> None:
    js = to_json_schema(Everything)
    p = js["properties"]
    assert js["type"] == "object" and js["additionalProperties"] is True and js["required"] == ["text"]
    assert p["text"] == {"type": "string", "minLength": 1, "maxLength": 20}
    assert p["number"] == {"type": "integer", "minimum": 1, "maximum": 5}
    assert p["ratio"] == {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
    assert p["money"] == {"type": "number"}
    assert p["money_text"] == {"type": "string", "format": "decimal"}
    assert p["flag"] == {"type": "boolean"}
    assert p["id"] == {"type": "string", "format": "uuid"} and "ident" not in p
    assert p["day"] == {"type": "string", "format": "date"}
    assert p["moment"] == {"type": "string", "format": "date-time"}
    assert p["mail"] == {"type": "string", "format": "email"}
    assert p["codes"] == {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2}
    assert p["pair"]["prefixItems"] == [{"type": "string"}, {"type": "integer"}]
    line = {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"],
            "additionalProperties": True}
    assert p["child"] == line and p["children"] == {"type": "array", "items": line}
    assert p["scores"] == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert p["anything"] == {}
    assert p["level"] == {"type": ["string", "null"], "enum": ["low", "high", None]}
    assert "secret" not in p  # load_only: never on the wire


def test_converter_refuses_a_field_type_it_cannot_describe() -> None:
    class Odd(Schema):
        address = fields.IP()
    with pytest.raises(TypeError, match="IP"):
        to_json_schema(Odd)


def test_the_next_minor_revision_adds_a_field_current_consumers_drop() -> None:
    organisation = "identity.organisation.created.v1"
    ahead = with_added_field(organisation, REGISTRY.get(organisation).example)
    assert ahead["added_in_minor"] == "x"
    with pytest.raises(ValidationError):
        REGISTRY.validate(organisation, ahead)
    assert REGISTRY.read(organisation, ahead) == REGISTRY.validate(organisation, REGISTRY.get(organisation).example)
    with pytest.raises(ValueError, match="not a minor revision"):
        next_minor_revision(organisation, name=fields.Integer(required=True))
