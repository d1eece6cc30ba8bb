"""The event catalogue: every event type Kabinet publishes, with its schema and an example.

Producers validate ``data`` strictly before writing to the outbox (an undeclared field is a
producer bug); consumers read leniently (``read``: unknown fields are dropped, so a field added
within a major version reaches old consumers harmlessly); the gateway renders the catalogue as
AsyncAPI.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

TYPE_PATTERN = re.compile(
    r"^(?P<service>[a-z][a-z_]*)\.(?P<entity>[a-z][a-z_]*)\.(?P<action>[a-z][a-z_]*)\.v(?P<major>\d+)$")

# Field names that carry a person's identity. They may appear only in events routed to the
# personal-data exchange (identity.pd), never on a public ``*.events`` exchange.
PERSONAL_DATA_FIELDS = frozenset({
    "last_name", "first_name", "middle_name", "full_name", "birth_date",
    "email", "phone", "address", "snils", "passport",
})
PERSONAL_DATA_EXCHANGE = "identity.pd"

# Words that denote health, a special category of personal data (152-FZ art. 10): no field
# name and no enum value of a public contract may contain one (``absent_ill`` did).
SPECIAL_CATEGORY_MARKERS = frozenset({
    "ill", "illness", "sick", "sickness", "health", "medical", "diagnosis", "disease", "disability",
    "injury", "treatment", "quarantine", "hospital", "hospitalised", "hospitalized",
})
_WORD = re.compile(r"[a-z]+")

# Spelled once here: inside EventContract the attribute ``type`` shadows the builtin.
SchemaClass: TypeAlias = type[Schema]


class UnknownEventType(LookupError):
    pass


def wire_names(schema: Schema) -> set[str]:
    """Every field name that can appear in the JSON of this schema, nested ones included."""
    names: set[str] = set()
    for name, declared in schema.fields.items():
        names.add(declared.data_key or name)
        names |= _nested_names(declared)
    return names


def _nested_names(field: fields.Field[Any]) -> set[str]:
    if isinstance(field, fields.Nested):
        nested = field.schema
        return wire_names(nested) if isinstance(nested, Schema) else set()
    for attr in ("inner", "value_field"):  # List(...), Dict(values=...)
        inner = getattr(field, attr, None)
        if inner is not None:
            return _nested_names(inner)
    if isinstance(field, fields.Tuple):
        return set().union(*(_nested_names(f) for f in field.tuple_fields))
    return set()


def special_category_words(schema: Schema) -> set[str]:
    """Field names and enum values of this schema, nested ones included, that denote health."""
    words = set(wire_names(schema)) | _choices(schema)
    return {w for w in words if SPECIAL_CATEGORY_MARKERS & set(_WORD.findall(w.lower()))}


def _choices(schema: Schema) -> set[str]:
    found: set[str] = set()
    for declared in schema.fields.values():
        found |= _field_choices(declared)
    return found


def _field_choices(field: fields.Field[Any]) -> set[str]:
    found = {str(choice) for v in field.validators if isinstance(v, validate.OneOf) for choice in v.choices}
    if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
        found |= _choices(field.schema)
    for attr in ("inner", "value_field"):  # List(...), Dict(values=...)
        inner = getattr(field, attr, None)
        if inner is not None:
            found |= _field_choices(inner)
    if isinstance(field, fields.Tuple):
        for element in field.tuple_fields:
            found |= _field_choices(element)
    return found


def _lenient(field: fields.Field[Any]) -> None:
    """Make nested schemas drop unknown keys too: ``load(unknown=...)`` does not reach them."""
    if isinstance(field, fields.Nested):
        field.unknown = EXCLUDE
        if isinstance(field.schema, Schema):
            for nested_field in field.schema.fields.values():
                _lenient(nested_field)
    for attr in ("inner", "value_field"):  # List(...), Dict(values=...)
        contained = getattr(field, attr, None)
        if contained is not None:
            _lenient(contained)
    if isinstance(field, fields.Tuple):
        for element in field.tuple_fields:
            _lenient(element)


@dataclass(frozen=True)
class EventContract:
    type: str
    schema: SchemaClass
    example: dict[str, Any]
    description: str
    exchange: str
    subject_field: str | None = None

    @property
    def service(self) -> str:
        return self.type.split(".", 1)[0]

    @property
    def routing_key(self) -> str:
        return self.type

    @property
    def carries_personal_data(self) -> bool:
        return self.exchange == PERSONAL_DATA_EXCHANGE


@dataclass
class EventRegistry:
    contracts: dict[str, EventContract] = field(default_factory=dict)

    def register(self, type: str, schema: SchemaClass, example: dict[str, Any], description: str,
                 *, personal_data: bool = False, subject_field: str | None = None) -> EventContract:
        match = TYPE_PATTERN.match(type)
        if not match:
            raise ValueError(f"event type {type!r} is not <service>.<entity>.<action>.v<major>")
        if type in self.contracts:
            raise ValueError(f"event type {type!r} registered twice")
        exchange = PERSONAL_DATA_EXCHANGE if personal_data else f"{match['service']}.events"
        pd_fields = PERSONAL_DATA_FIELDS & wire_names(schema())
        if pd_fields and not personal_data:
            raise ValueError(f"{type} carries personal data {sorted(pd_fields)} on a public exchange")
        health = special_category_words(schema())
        if health and not personal_data:
            raise ValueError(f"{type} names health (special-category data) {sorted(health)} on a public exchange")
        contract = EventContract(type, schema, example, description, exchange, subject_field)
        self.contracts[type] = contract
        return contract

    def get(self, type: str) -> EventContract:
        try:
            return self.contracts[type]
        except KeyError:
            raise UnknownEventType(type) from None

    def validate(self, type: str, data: dict[str, Any]) -> dict[str, Any]:
        """Producer side: strict. An undeclared field is a bug in the producer and fails here,
        before the event reaches the outbox. Returns the data JSON-ready (dumped through the schema)."""
        schema = self.get(type).schema(unknown=RAISE)
        loaded = schema.load(data)
        dumped: dict[str, Any] = schema.dump(loaded)
        return dumped

    def read(self, type: str, data: dict[str, Any]) -> dict[str, Any]:
        """Consumer side: fields this version does not know are dropped (a producer on a newer
        minor revision may send them); missing required or mistyped fields still raise
        ``ValidationError``. Returns the data JSON-ready, like ``validate``."""
        schema = self.get(type).schema(unknown=EXCLUDE)
        for schema_field in schema.fields.values():
            _lenient(schema_field)
        loaded = schema.load(data)
        dumped: dict[str, Any] = schema.dump(loaded)
        return dumped

    def __iter__(self) -> Iterator[EventContract]:
        return iter(sorted(self.contracts.values(), key=lambda c: c.type))

    def __len__(self) -> int:
        return len(self.contracts)

    def for_service(self, service: str) -> list[EventContract]:
        return [c for c in self if c.service == service]


REGISTRY = EventRegistry()

__all__ = ["REGISTRY", "EventContract", "EventRegistry", "UnknownEventType", "ValidationError",
           "PERSONAL_DATA_FIELDS", "PERSONAL_DATA_EXCHANGE", "SPECIAL_CATEGORY_MARKERS"]
