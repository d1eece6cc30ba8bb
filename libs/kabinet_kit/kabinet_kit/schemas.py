"""The marshmallow base every service schema derives from, and the problem+json schema.

Every integer a client sends ends in a database column: a 32-bit ``INTEGER`` unless a field says
it is 64-bit (:class:`Int64`). A value beyond the column's range used to reach the database and
come back as a 500 (``?offset=9223372036854775808``); here it is refused like any invalid field,
and the bounds appear in the OpenAPI document as ``minimum``/``maximum``.
"""
from __future__ import annotations

from typing import Any

from marshmallow import INCLUDE, fields, validate
from marshmallow import Schema as MarshmallowSchema

from .problems import PROBLEM_BASE, TITLES

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


class Int64(fields.Integer):
    """An integer stored in a 64-bit column."""


def _bounded(field: fields.Field[Any]) -> None:
    if isinstance(field, fields.Integer):
        low, high = INT64 if isinstance(field, Int64) else INT32
        ranges = [v for v in field.validators if isinstance(v, validate.Range)]
        has_min = any(v.min is not None for v in ranges)
        has_max = any(v.max is not None for v in ranges)
        if not (has_min and has_max):
            # A bound the field already has is kept; only the missing side gets the column's.
            field.validators.append(validate.Range(min=None if has_min else low, max=None if has_max else high))
    elif isinstance(field, fields.List):
        _bounded(field.inner)
    elif isinstance(field, fields.Tuple):
        for inner in field.tuple_fields:
            _bounded(inner)
    elif isinstance(field, fields.Dict) and field.value_field is not None:
        _bounded(field.value_field)


class Schema(MarshmallowSchema):
    """A service's schema: integers bounded by their column (nested schemas derive from this too)."""

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        _bounded(field_obj)
        super().on_bind_field(field_name, field_obj)


class ProblemSchema(Schema):
    """An error answer (RFC 9457), as the kit's ``problem`` writes it. Documentation only."""

    class Meta:
        unknown = INCLUDE  # a problem may carry more members (retry_after, service, max_bytes)

    type = fields.String(required=True, validate=validate.OneOf([PROBLEM_BASE + code for code in TITLES]),
                         metadata={"format": "uri", "description": "The kind of error: stable, for programs "
                                                                   "(see docs/api.md)."})
    title = fields.String(required=True, metadata={"description": "The kind of error, for people (Russian)."})
    status = fields.Integer(required=True, validate=validate.Range(min=400, max=599))
    detail = fields.String(metadata={"description": "What went wrong this time."})
    instance = fields.String(allow_none=True, metadata={"description": "The path that was requested."})
    request_id = fields.String(metadata={"description": "The request id (X-Request-ID) to quote when reporting."})
    errors = fields.Dict(metadata={"description": "Messages by field name (nested as the body is)."})


def problem_example(status: int, code: str, detail: str, **more: Any) -> dict[str, Any]:
    """A problem body for documentation examples."""
    return {"type": PROBLEM_BASE + code, "title": TITLES[code], "status": status, "detail": detail, **more}
