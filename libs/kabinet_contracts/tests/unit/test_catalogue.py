"""The event catalogue: examples valid, names well formed, personal data kept off the public
``*.events`` exchanges."""
from __future__ import annotations

import json
from typing import Any

import pytest
from marshmallow import Schema, fields

from kabinet_contracts import (
    PERSONAL_DATA_EXCHANGE,
    PERSONAL_DATA_FIELDS,
    REGISTRY,
    EventContract,
    EventRegistry,
    UnknownEventType,
)
from kabinet_contracts.registry import TYPE_PATTERN, wire_names

CONTRACTS = list(REGISTRY)
IDS = [c.type for c in CONTRACTS]



def keys_in(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_in(v) for v in value))
    return set()


def test_catalogue_is_not_empty() -> None:
    assert len(REGISTRY) >= 20
    assert REGISTRY.for_service("identity")


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_example_validates_against_its_schema(contract: EventContract) -> None:
    data = REGISTRY.validate(contract.type, contract.example)
    json.dumps(data)  # JSON-ready, as it goes into the envelope
    assert contract.schema().validate(contract.example) == {}
    assert REGISTRY.validate(contract.type, data) == data  # stable once normalised


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_type_follows_the_naming_rule(contract: EventContract) -> None:
    match = TYPE_PATTERN.match(contract.type)
    assert match, contract.type
    assert match["service"] == contract.service
    assert int(match["major"]) >= 1
    assert contract.routing_key == contract.type
    assert contract.description.strip()


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_subject_field_is_a_field_of_the_schema(contract: EventContract) -> None:
    if contract.subject_field:
        assert contract.subject_field in contract.schema().fields
        assert contract.example.get(contract.subject_field) is not None


@pytest.mark.parametrize("contract", CONTRACTS, ids=IDS)
def test_exchange_is_the_services_events_or_the_personal_data_exchange(contract: EventContract) -> None:
    if contract.carries_personal_data:
        assert contract.exchange == PERSONAL_DATA_EXCHANGE
        assert contract.type.startswith("identity.person.")
    else:
        assert contract.exchange == f"{contract.service}.events"


def test_only_identity_person_events_travel_on_the_personal_data_exchange() -> None:
    on_pd = {c.type for c in CONTRACTS if c.exchange == PERSONAL_DATA_EXCHANGE}
    person = {c.type for c in CONTRACTS if c.type.startswith("identity.person.")}
    assert on_pd == person and on_pd


@pytest.mark.parametrize("contract", [c for c in CONTRACTS if c.exchange.endswith(".events")],
                         ids=[c.type for c in CONTRACTS if c.exchange.endswith(".events")])
def test_no_personal_data_on_public_exchanges(contract: EventContract) -> None:
    schema_fields = wire_names(contract.schema())
    assert not schema_fields & PERSONAL_DATA_FIELDS, sorted(schema_fields & PERSONAL_DATA_FIELDS)
    assert not keys_in(contract.example) & PERSONAL_DATA_FIELDS


class Named(Schema):
    child_id = fields.UUID(required=True)
    first_name = fields.String(required=True)


class BirthDated(Schema):
    child_id = fields.UUID(required=True)
    birth_date = fields.Date(required=True)


@pytest.mark.parametrize("schema", [Named, BirthDated])
def test_registering_personal_data_on_a_public_exchange_raises(schema: type[Schema]) -> None:
    registry = EventRegistry()
    with pytest.raises(ValueError, match="personal data"):
        registry.register("journal.child.noted.v1", schema, {}, "Leaks a name.")
    assert len(registry) == 0


def test_personal_data_is_allowed_on_the_personal_data_exchange() -> None:
    registry = EventRegistry()
    contract = registry.register("identity.person.noted.v1", Named, {}, "A name.", personal_data=True)
    assert contract.exchange == PERSONAL_DATA_EXCHANGE and contract.carries_personal_data


def test_contact_fields_are_personal_data() -> None:
    assert {"last_name", "first_name", "middle_name", "birth_date", "email", "phone"} <= PERSONAL_DATA_FIELDS


@pytest.mark.parametrize("bad", ["journal.mark.recorded", "Journal.mark.recorded.v1", "journal.mark.recorded.vX",
                                 "journal-mark.recorded.v1", "journal.mark.recorded.v1.extra"])
def test_registering_a_badly_named_type_raises(bad: str) -> None:
    with pytest.raises(ValueError, match="is not"):
        EventRegistry().register(bad, BirthDated, {}, "Bad name.", personal_data=True)


def test_registering_a_type_twice_raises() -> None:
    registry = EventRegistry()
    registry.register("journal.lesson.held.v1", Schema.from_dict({"lesson_id": fields.UUID()}), {}, "Held.")
    with pytest.raises(ValueError, match="twice"):
        registry.register("journal.lesson.held.v1", Schema.from_dict({"lesson_id": fields.UUID()}), {}, "Again.")


def test_unknown_type_lookup_raises() -> None:
    with pytest.raises(UnknownEventType):
        REGISTRY.get("journal.nothing.happened.v1")


# Personal data hidden in a nested schema or behind a data_key is still personal data.
class Guardian(Schema):
    last_name = fields.String()


class Nested(Schema):
    child_id = fields.UUID(required=True)
    guardian = fields.Nested(Guardian)


class Renamed(Schema):
    child_id = fields.UUID(required=True)
    surname = fields.String(data_key="last_name")


@pytest.mark.parametrize("schema", [Nested, Renamed], ids=["nested-field", "data_key"])
def test_registering_hidden_personal_data_on_a_public_exchange_raises(schema: type[Schema]) -> None:
    with pytest.raises(ValueError, match="personal data"):
        EventRegistry().register("journal.child.noted.v1", schema, {}, "Leaks a name.")
