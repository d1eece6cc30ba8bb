"""marshmallow → JSON Schema (draft 2020-12) for the field types the contracts use.

One converter feeds both the frozen snapshots and the gateway's AsyncAPI document, so what is
published to outside systems is exactly what the compatibility test guards. A field type it
does not know raises instead of becoming "anything": a snapshot that accepts everything would
let every later change pass as compatible.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

JsonSchema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Most specific classes first: the first isinstance match wins.
_SCALARS: tuple[tuple[type[fields.Field[Any]], JsonSchema], ...] = (
    (fields.UUID, {"type": "string", "format": "uuid"}),
    (fields.Email, {"type": "string", "format": "email"}),
    (fields.Url, {"type": "string", "format": "uri"}),
    (fields.String, {"type": "string"}),
    (fields.Integer, {"type": "integer"}),
    (fields.Number, {"type": "number"}),  # Float, Decimal (as_string=False)
    (fields.Boolean, {"type": "boolean"}),
    (fields.DateTime, {"type": "string", "format": "date-time"}),  # AwareDateTime, NaiveDateTime
    (fields.Date, {"type": "string", "format": "date"}),
    (fields.Time, {"type": "string", "format": "time"}),
)


def to_json_schema(schema: Schema | type[Schema]) -> JsonSchema:
    """The JSON Schema of an event's ``data``. Extra properties are allowed at every level:
    consumers drop fields they do not know (``EventRegistry.read``)."""
    instance = schema() if isinstance(schema, type) else schema
    properties: JsonSchema = {}
    required: list[str] = []
    for name, field in instance.fields.items():
        if field.load_only:
            continue  # never dumped, so never on the wire
        wire = field.data_key or name
        properties[wire] = field_schema(field)
        if field.required:
            required.append(wire)
    result: JsonSchema = {"type": "object", "properties": properties}
    if required:
        result["required"] = sorted(required)
    result["additionalProperties"] = True
    return result


def field_schema(field: fields.Field[Any]) -> JsonSchema:
    result = _base(field)
    for validator in field.validators:
        _apply_validator(result, validator)
    if field.allow_none:
        _make_nullable(result)
    description = field.metadata.get("description")
    if description:
        result["description"] = str(description)
    return result


def _base(field: fields.Field[Any]) -> JsonSchema:
    if isinstance(field, fields.Decimal) and field.as_string:
        return {"type": "string", "format": "decimal"}
    for cls, shape in _SCALARS:
        if isinstance(field, cls):
            return dict(shape)
    if isinstance(field, fields.Pluck):
        raise TypeError(f"cannot convert {type(field).__name__} to JSON Schema")
    if isinstance(field, fields.Nested):
        nested = to_json_schema(field.schema)
        return {"type": "array", "items": nested} if field.many else nested
    if isinstance(field, fields.List):
        return {"type": "array", "items": field_schema(field.inner)}
    if isinstance(field, fields.Tuple):
        items = [field_schema(f) for f in field.tuple_fields]
        return {"type": "array", "prefixItems": items, "minItems": len(items), "maxItems": len(items)}
    if isinstance(field, fields.Mapping):
        values = field.value_field
        return {"type": "object", "additionalProperties": field_schema(values) if values is not None else True}
    if type(field) is fields.Raw:
        return {}
    raise TypeError(f"cannot convert {type(field).__name__} to JSON Schema; teach kabinet_contracts.json_schema")


def _apply_validator(result: JsonSchema, validator: Any) -> None:
    if isinstance(validator, validate.OneOf):
        result["enum"] = list(validator.choices)
    elif isinstance(validator, validate.Range):
        if validator.min is not None:
            result["minimum" if validator.min_inclusive else "exclusiveMinimum"] = validator.min
        if validator.max is not None:
            result["maximum" if validator.max_inclusive else "exclusiveMaximum"] = validator.max
    elif isinstance(validator, validate.Length):
        kind = "Items" if result.get("type") == "array" else "Length"
        low = validator.equal if validator.equal is not None else validator.min
        high = validator.equal if validator.equal is not None else validator.max
        if low is not None:
            result[f"min{kind}"] = low
        if high is not None:
            result[f"max{kind}"] = high
    elif isinstance(validator, validate.Regexp):
        result["pattern"] = validator.regex.pattern
    # Other validators (custom callables) have no JSON Schema form; the marshmallow schema
    # still enforces them.


def _make_nullable(result: JsonSchema) -> None:
    if "type" in result:
        kinds = result["type"] if isinstance(result["type"], list) else [result["type"]]
        if "null" not in kinds:
            result["type"] = [*kinds, "null"]
    if "enum" in result and None not in result["enum"]:
        result["enum"] = [*result["enum"], None]
