"""The AsyncAPI document covers every registered event type, generated from the contracts."""
from kabinet_contracts import PERSONAL_DATA_EXCHANGE, REGISTRY
from kabinet_contracts.compatibility import breaking_changes
from kabinet_contracts.json_schema import to_json_schema
from kabinet_contracts.snapshots import load_snapshot
from kabinet_gateway.asyncapi import build_asyncapi, marshmallow_to_json_schema


def test_every_registered_type_is_a_channel_message_and_operation():
    doc = build_asyncapi(REGISTRY)
    assert doc["asyncapi"] == "3.0.0"
    types = {c.type for c in REGISTRY}
    assert len(types) == len(REGISTRY) > 0
    assert {ch["address"] for ch in doc["channels"].values()} == types
    assert {m["name"] for m in doc["components"]["messages"].values()} == types
    assert len(doc["operations"]) == len(types)
    for op in doc["operations"].values():
        assert op["action"] == "receive"
        channel_id = op["channel"]["$ref"].split("/")[-1]
        assert channel_id in doc["channels"]


def test_channels_name_their_exchange_and_personal_data_is_internal():
    doc = build_asyncapi(REGISTRY)
    for contract in REGISTRY:
        channel = doc["channels"][contract.type]
        exchange = channel["bindings"]["amqp"]["exchange"]
        assert exchange["name"] == contract.exchange and exchange["type"] == "topic"
        assert channel["x-kabinet-internal"] == (contract.exchange == PERSONAL_DATA_EXCHANGE)
        if channel["x-kabinet-internal"]:
            assert "Internal only" in channel["description"]
    assert any(c.exchange == PERSONAL_DATA_EXCHANGE for c in REGISTRY)
    assert "identity.pd" in doc["info"]["description"] and "INTERNAL ONLY" in doc["info"]["description"]


def test_bindings_name_the_brokers_vhost_not_a_path():
    doc = build_asyncapi(REGISTRY)
    assert {ch["bindings"]["amqp"]["exchange"]["vhost"] for ch in doc["channels"].values()} == {"kabinet"}
    assert doc["servers"]["rabbitmq"]["pathname"] == "/kabinet"
    other = build_asyncapi(REGISTRY, vhost="kabinet-staging")
    assert {ch["bindings"]["amqp"]["exchange"]["vhost"] for ch in other["channels"].values()} == {"kabinet-staging"}
    # RabbitMQ's default vhost "/" is "%2F" in an AMQP URI path.
    assert build_asyncapi(REGISTRY, vhost="/")["servers"]["rabbitmq"]["pathname"] == "/%2F"


def test_data_schemas_are_the_frozen_snapshots_and_accept_unknown_fields():
    doc = build_asyncapi(REGISTRY)
    for contract in REGISTRY:
        data_schema = doc["components"]["schemas"][f"{contract.type}.data"]
        assert data_schema["additionalProperties"] is True
        snapshot = load_snapshot(contract.type)
        assert snapshot is not None, contract.type
        # What outside systems are told is what the compatibility test guards.
        assert breaking_changes(snapshot, data_schema) == [], contract.type
        assert data_schema == to_json_schema(contract.schema), contract.type


def test_payload_is_cloudevents_envelope_with_data_schema_and_valid_example():
    doc = build_asyncapi(REGISTRY)
    envelope = doc["components"]["schemas"]["CloudEvent"]
    assert {"specversion", "id", "source", "type", "time", "data"} <= set(envelope["required"])
    for contract in REGISTRY:
        message = doc["components"]["messages"][contract.type]
        assert message["contentType"] == "application/cloudevents+json"
        parts = message["payload"]["allOf"]
        assert parts[0] == {"$ref": "#/components/schemas/CloudEvent"}
        data_ref = parts[1]["properties"]["data"]["$ref"].split("/")[-1]
        data_schema = doc["components"]["schemas"][data_ref]
        assert set(data_schema["properties"]) == set(contract.schema().fields)
        required = {n for n, f in contract.schema().fields.items() if f.required}
        assert set(data_schema.get("required", [])) == required
        example = message["examples"][0]["payload"]
        assert example["type"] == contract.type and example["source"] == f"/kabinet/{contract.service}"
        REGISTRY.validate(contract.type, example["data"])  # the example is a valid event


def test_converter_types():
    from marshmallow import Schema, fields, validate

    class S(Schema):
        a = fields.UUID(required=True)
        b = fields.Integer(allow_none=True)
        c = fields.String(validate=validate.OneOf(["x", "y"]))
        d = fields.AwareDateTime()
        e = fields.Date()
    js = marshmallow_to_json_schema(S)
    p = js["properties"]
    assert p["a"] == {"type": "string", "format": "uuid"}
    assert "null" in p["b"]["type"] and "integer" in p["b"]["type"]
    assert p["c"]["enum"] == ["x", "y"]
    assert p["d"]["format"] == "date-time" and p["e"]["format"] == "date"
    assert js["required"] == ["a"]
    assert js["additionalProperties"] is True


def test_served_by_gateway_and_html_lists_all(make_app):
    client = make_app().test_client()
    doc = client.get("/api/events/asyncapi.json").json
    assert len(doc["channels"]) == len(REGISTRY)
    page = client.get("/api/events")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    for contract in REGISTRY:
        assert f"<code>{contract.type}</code>" in text
    assert "identity.pd" in text and "внутренний" in text
    assert "<script" not in text
