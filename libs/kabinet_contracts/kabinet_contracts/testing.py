"""For consumers' tests: events as a producer one minor revision ahead would publish them."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from .compatibility import breaking_changes
from .json_schema import to_json_schema
from .registry import REGISTRY, EventRegistry
from .snapshots import current_schema

ADDED_FIELD = "added_in_minor"


def next_minor_revision(event_type: str, **added: fields.Field[Any]) -> EventRegistry:
    """A registry holding only ``event_type``, its schema extended with ``added`` (optional
    fields). Raises if the addition is not a compatible change: the point is to test what the
    versioning rules allow within a major version, nothing more."""
    contract = REGISTRY.get(event_type)
    extended = Schema.from_dict({**contract.schema().fields, **added}, name=f"{contract.schema.__name__}Next")
    changes = breaking_changes(current_schema(contract), to_json_schema(extended))
    if changes:
        raise ValueError(f"not a minor revision of {event_type}: {changes}")
    registry = EventRegistry()
    registry.register(event_type, extended, contract.example, contract.description,
                      personal_data=contract.carries_personal_data, subject_field=contract.subject_field)
    return registry


def with_added_field(event_type: str, data: dict[str, Any], value: str = "x") -> dict[str, Any]:
    """``data`` validated by the next minor revision of ``event_type``, carrying ``added_in_minor``:
    a field the current consumers have never heard of."""
    ahead = next_minor_revision(event_type, **{ADDED_FIELD: fields.String(allow_none=True, load_default=None)})
    return ahead.validate(event_type, {**data, ADDED_FIELD: value})
