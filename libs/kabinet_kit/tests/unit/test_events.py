"""The CloudEvents 1.0 envelope: round trip and validation errors."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from marshmallow import ValidationError

from kabinet_kit.events import CloudEvent

ID = "6fa459ea-ee8a-3ca4-894e-db77e160355e"


def event(**overrides) -> CloudEvent:
    values = dict(type="journal.mark.recorded.v1", source="/kabinet/journal", subject="mark-1",
                  correlationid="req-42", data={"mark_id": ID, "value": 5, "comment": "Молодец"})
    values.update(overrides)
    return CloudEvent(**values)


def envelope(**overrides) -> dict:
    payload = json.loads(event().to_json())
    payload.update(overrides)
    return payload


def test_round_trip_keeps_every_attribute():
    original = event(time=datetime(2026, 9, 1, 8, 30, 15, 123456, tzinfo=timezone(timedelta(hours=5))))
    restored = CloudEvent.from_json(original.to_json())
    assert restored == original
    assert restored.time.utcoffset() == timedelta(hours=5)


def test_round_trip_from_bytes_keeps_non_ascii_data():
    original = event()
    raw = original.to_json().encode("utf-8")
    assert "Молодец".encode() in raw  # not \\u-escaped
    assert CloudEvent.from_json(raw).data["comment"] == "Молодец"


def test_serialised_envelope_is_structured_cloudevents():
    payload = json.loads(event(id=ID).to_json())
    assert payload == {
        "specversion": "1.0", "id": ID, "source": "/kabinet/journal", "type": "journal.mark.recorded.v1",
        "time": payload["time"], "subject": "mark-1", "datacontenttype": "application/json",
        "correlationid": "req-42", "data": {"mark_id": ID, "value": 5, "comment": "Молодец"},
    }
    assert datetime.fromisoformat(payload["time"]).tzinfo is not None


def test_defaults_give_a_fresh_uuid_and_an_aware_time():
    a, b = event(), event()
    assert a.id != b.id and len(a.id) == 36
    assert a.time.tzinfo is not None and a.specversion == "1.0"


def test_optional_attributes_may_be_absent():
    payload = envelope()
    for key in ("subject", "correlationid", "datacontenttype"):
        del payload[key]
    restored = CloudEvent.from_json(json.dumps(payload))
    assert restored.subject is None and restored.correlationid is None
    assert restored.datacontenttype == "application/json"


def test_unknown_extension_attributes_are_ignored():
    restored = CloudEvent.from_json(json.dumps(envelope(traceparent="00-abc-def-01")))
    assert restored.type == "journal.mark.recorded.v1"


@pytest.mark.parametrize("bad_type", [
    "journal.mark.recorded",          # no version
    "journal.mark.v1",                # no action
    "Journal.mark.recorded.v1",       # capitals
    "journal.mark.recorded.1",        # version without v
    "journal.mark-x.recorded.v1",     # dash
    "",
])
def test_bad_type_is_rejected(bad_type):
    with pytest.raises(ValidationError) as info:
        CloudEvent.from_json(json.dumps(envelope(type=bad_type)))
    assert "type" in info.value.messages


@pytest.mark.parametrize("attribute", ["id", "type", "source", "time", "specversion", "data"])
def test_missing_required_attribute_is_rejected(attribute):
    payload = envelope()
    del payload[attribute]
    with pytest.raises(ValidationError) as info:
        CloudEvent.from_json(json.dumps(payload))
    assert attribute in info.value.messages


@pytest.mark.parametrize("bad_id", ["", "42", "not-a-uuid", None, 7])
def test_id_must_be_a_uuid(bad_id):
    with pytest.raises(ValidationError) as info:
        CloudEvent.from_json(json.dumps(envelope(id=bad_id)))
    assert "id" in info.value.messages


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe\x00garbage", "", b"", None, "null"])
def test_non_json_is_rejected_as_a_validation_error(raw):
    with pytest.raises(ValidationError) as info:
        CloudEvent.from_json(raw)
    assert "_schema" in info.value.messages


@pytest.mark.parametrize("raw", ["[1, 2]", '"text"', "42"])
def test_envelope_must_be_an_object(raw):
    with pytest.raises(ValidationError, match="JSON object"):
        CloudEvent.from_json(raw)


@pytest.mark.parametrize("field,value", [
    ("specversion", "0.3"),
    ("source", "journal"),
    ("source", "/kabinet/Journal"),
    ("time", "2026-09-01T08:30:00"),      # naive
    ("time", "yesterday"),
    ("data", [1, 2]),
    ("data", "text"),
    ("datacontenttype", "application/xml"),
])
def test_invalid_attribute_values_are_rejected(field, value):
    with pytest.raises(ValidationError) as info:
        CloudEvent.from_json(json.dumps(envelope(**{field: value})))
    assert field in info.value.messages
