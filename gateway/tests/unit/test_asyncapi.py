"""The AsyncAPI document covers every registered event type, generated from the contracts."""
from kabinet_contracts import PERSONAL_DATA_EXCHANGE, REGISTRY
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
