"""EventRecorder: validates against the contract and writes one outbox row in the caller's
transaction (a fake session records the statements)."""
from __future__ import annotations

import json

import pytest
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import MetaData

from kabinet_contracts import EventRegistry, UnknownEventType
from kabinet_kit.events import CloudEvent
from kabinet_kit.outbox import EventRecorder, add_messaging_tables

UID = "2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d"


class ThingCreated(Schema):
    thing_id = fields.UUID(required=True)
    size = fields.Integer(required=True)
    parent_id = fields.UUID(allow_none=True, load_default=None)


class FakeSession:
    def __init__(self):
        self.statements = []

    def execute(self, statement):
        self.statements.append(statement)

    def rows(self) -> list[dict]:
        return [s.compile().params for s in self.statements]


@pytest.fixture
def registry():
    r = EventRegistry()
    r.register("kittest.thing.created.v1", ThingCreated, {"thing_id": UID, "size": 1}, "A thing.",
               subject_field="thing_id")
    r.register("kittest.thing.moved.v1", ThingCreated, {"thing_id": UID, "size": 1}, "A thing moved.",
               subject_field="parent_id")
    r.register("other.thing.created.v1", ThingCreated, {"thing_id": UID, "size": 1}, "Another's.")
    return r


@pytest.fixture
def outbox():
    return add_messaging_tables(MetaData())[0]


def test_record_writes_one_outbox_row_with_the_envelope(registry, outbox):
    recorder = EventRecorder("kittest", outbox, registry, correlation_id=lambda: "req-7")
    session = FakeSession()
    event = recorder.record(session, "kittest.thing.created.v1", {"thing_id": UID.upper(), "size": "3"})
    [row] = session.rows()
    assert row["event_id"] == event.id
    assert row["event_type"] == row["routing_key"] == "kittest.thing.created.v1"
    assert row["exchange"] == "kittest.events"
    assert row["created_at"] == event.time
    body = CloudEvent.from_json(row["body"])
    assert body == event
    assert body.source == "/kabinet/kittest" and body.correlationid == "req-7"
    # data went through the schema: normalised UUID, integer, defaults filled in
    assert body.data == {"thing_id": UID, "size": 3, "parent_id": None}
    assert body.subject == UID  # from the contract's subject field


def test_explicit_subject_wins(registry, outbox):
    session = FakeSession()
    event = EventRecorder("kittest", outbox, registry).record(
        session, "kittest.thing.created.v1", {"thing_id": UID, "size": 1}, subject="custom")
    assert event.subject == "custom"


def test_subject_stays_empty_when_the_subject_field_is_null(registry, outbox):
    session = FakeSession()
    event = EventRecorder("kittest", outbox, registry).record(
        session, "kittest.thing.moved.v1", {"thing_id": UID, "size": 1, "parent_id": None})
    assert event.subject is None
    assert json.loads(session.rows()[0]["body"])["subject"] is None


@pytest.mark.parametrize("data", [
    {"size": 1},                                  # required field missing
    {"thing_id": "nope", "size": 1},              # not a UUID
    {"thing_id": UID, "size": "big"},             # not an integer
    {"thing_id": UID, "size": 1, "extra": True},  # unknown field
])
def test_data_violating_the_contract_is_rejected_and_nothing_is_written(registry, outbox, data):
    session = FakeSession()
    with pytest.raises(ValidationError):
        EventRecorder("kittest", outbox, registry).record(session, "kittest.thing.created.v1", data)
    assert session.statements == []


def test_another_services_event_is_rejected(registry, outbox):
    session = FakeSession()
    with pytest.raises(ValueError, match="kittest cannot publish other.thing.created.v1"):
        EventRecorder("kittest", outbox, registry).record(session, "other.thing.created.v1",
                                                          {"thing_id": UID, "size": 1})
    assert session.statements == []


def test_a_service_whose_name_prefixes_another_cannot_publish_its_events(registry, outbox):
    with pytest.raises(ValueError):
        EventRecorder("kit", outbox, registry).record(FakeSession(), "kittest.thing.created.v1",
                                                      {"thing_id": UID, "size": 1})


def test_unregistered_event_type_is_rejected(registry, outbox):
    session = FakeSession()
    with pytest.raises(UnknownEventType):
        EventRecorder("kittest", outbox, registry).record(session, "kittest.thing.deleted.v1", {"thing_id": UID})
    assert session.statements == []


def test_rows_of_events_that_carry_personal_data_are_flagged(registry, outbox):
    """The relay scrubs a flagged row's body once the broker has confirmed it (issue 11, Low);
    the flag comes from the contract, not from the producer's say-so."""
    registry.register("kittest.person.noted.v1", ThingCreated, {"thing_id": UID, "size": 1}, "A person.",
                      personal_data=True)
    session = FakeSession()
    recorder = EventRecorder("kittest", outbox, registry)
    recorder.record(session, "kittest.person.noted.v1", {"thing_id": UID, "size": 1})
    recorder.record(session, "kittest.thing.created.v1", {"thing_id": UID, "size": 1})
    assert [row["personal"] for row in session.rows()] == [True, False]
