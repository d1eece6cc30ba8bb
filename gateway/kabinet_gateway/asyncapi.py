"""AsyncAPI 3.0 document of every Kabinet event, generated from the contracts registry.

Each event type is a channel: its address is the routing key (= the type) on the topic
exchange named in the AMQP binding. A message is the whole CloudEvents 1.0 envelope (structured
JSON mode); ``data`` is described by the JSON Schema the contracts package freezes in its
snapshots (same converter, ``additionalProperties: true``: consumers ignore fields they do not
know). Events on ``identity.pd`` carry personal data and are for internal services only.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from marshmallow import Schema

from kabinet_contracts import PERSONAL_DATA_EXCHANGE
from kabinet_contracts.json_schema import to_json_schema

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json"

ENVELOPE_SCHEMA = {
    "type": "object",
    "description": "CloudEvents 1.0 envelope, structured JSON mode. The payload is in `data`.",
    "required": ["specversion", "id", "source", "type", "time", "datacontenttype", "data"],
    "properties": {
        "specversion": {"type": "string", "const": "1.0"},
        "id": {"type": "string", "format": "uuid", "description": "Unique per event; consumers de-duplicate on it."},
        "source": {"type": "string", "pattern": "^/kabinet/[a-z][a-z_]*$", "description": "/kabinet/<service>"},
        "type": {"type": "string", "pattern": r"^[a-z][a-z_]*\.[a-z][a-z_]*\.[a-z][a-z_]*\.v\d+$",
                 "description": "<service>.<entity>.<action>.v<major>; also the AMQP routing key."},
        "time": {"type": "string", "format": "date-time"},
        "subject": {"type": ["string", "null"], "description": "Id of the entity the event is about."},
        "datacontenttype": {"type": "string", "const": "application/json"},
        "correlationid": {"type": ["string", "null"],
                          "description": "Extension: the X-Request-ID of the API call that caused the event."},
        "data": {"type": "object"},
    },
}

def marshmallow_to_json_schema(schema: type[Schema] | Schema) -> dict[str, Any]:
    """JSON Schema of an event's data: the contracts' own converter, the one behind the snapshots."""
    return to_json_schema(schema)


def _key(event_type: str) -> str:
    # Component and channel ids: letters, digits, '.', '-', '_' (AsyncAPI 3.0).
    return event_type


def example_envelope(contract) -> dict[str, Any]:
    subject = contract.example.get(contract.subject_field) if contract.subject_field else None
    return {
        "specversion": "1.0",
        "id": "b3f1a9de-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "source": f"/kabinet/{contract.service}",
        "type": contract.type,
        "time": "2026-09-01T08:30:00.000000+00:00",
        "subject": None if subject is None else str(subject),
        "datacontenttype": "application/json",
        "correlationid": "5d41402abc4b2a76b9719d911017c592",
        "data": contract.example,
    }


def build_asyncapi(registry, *, broker_host: str = "127.0.0.1:5672", vhost: str = "kabinet",
                   version: str = "1.0.0") -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {"CloudEvent": ENVELOPE_SCHEMA}
    exchanges = sorted({c.exchange for c in registry})

    for contract in registry:
        key = _key(contract.type)
        internal = contract.exchange == PERSONAL_DATA_EXCHANGE
        data_schema = marshmallow_to_json_schema(contract.schema)
        schemas[f"{key}.data"] = data_schema
        summary = contract.description
        if internal:
            summary += " INTERNAL: carries personal data; only internal service accounts may read identity.pd."
        messages[key] = {
            "name": contract.type,
            "title": contract.type,
            "summary": summary,
            "contentType": CLOUDEVENTS_CONTENT_TYPE,
            "payload": {"allOf": [
                {"$ref": "#/components/schemas/CloudEvent"},
                {"type": "object", "properties": {
                    "type": {"const": contract.type},
                    "source": {"const": f"/kabinet/{contract.service}"},
                    "data": {"$ref": f"#/components/schemas/{key}.data"},
                }},
            ]},
            "examples": [{"name": "example", "payload": example_envelope(contract)}],
            "tags": [{"name": contract.service}] + ([{"name": "internal-personal-data"}] if internal else []),
            "bindings": {"amqp": {"contentEncoding": "utf-8", "messageType": contract.type,
                                  "bindingVersion": "0.3.0"}},
        }
        if contract.subject_field:
            messages[key]["x-kabinet-subject-field"] = contract.subject_field
        channels[key] = {
            "address": contract.routing_key,
            "title": contract.type,
            "description": (f"Routing key `{contract.routing_key}` on the topic exchange `{contract.exchange}`."
                            + (" Internal only: external accounts are refused on this exchange." if internal
                               else "")),
            "messages": {key: {"$ref": f"#/components/messages/{key}"}},
            "bindings": {"amqp": {
                "is": "routingKey",
                # The vhost's name as RabbitMQ knows it ("kabinet"), not a URL path.
                "exchange": {"name": contract.exchange, "type": "topic", "durable": True, "autoDelete": False,
                             "vhost": vhost},
                "bindingVersion": "0.3.0",
            }},
            "x-kabinet-exchange": contract.exchange,
            "x-kabinet-internal": internal,
        }
        operations[f"receive.{key}"] = {
            "action": "receive",
            "title": f"Receive {contract.type}",
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{key}"}],
            "bindings": {"amqp": {"ack": True, "bindingVersion": "0.3.0"}},
        }

    description = (
        "Events published by the Kabinet services (city education department). Every message is a "
        "CloudEvents 1.0 JSON envelope (structured mode, content type application/cloudevents+json), "
        "persistent, published with confirms to the producing service's durable topic exchange "
        "`<service>.events` with the event type as routing key. Subscribe by declaring your own durable "
        "queue (for the `external` account its name must start with `external.`) and binding it to the "
        "types you need; de-duplicate on `id`, since delivery is at least once.\n\n"
        f"`{PERSONAL_DATA_EXCHANGE}` carries names, birth dates and contacts (152-FZ) and is INTERNAL ONLY: "
        "the external account cannot bind to or read from it. Its event types are listed here for the "
        "internal services only.\n\nExchanges: " + ", ".join(f"`{e}`" for e in exchanges) + "."
    )
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Kabinet events", "version": version, "description": description,
                 "tags": [{"name": s} for s in sorted({c.service for c in registry})]},
        "defaultContentType": CLOUDEVENTS_CONTENT_TYPE,
        "servers": {"rabbitmq": {
            "host": broker_host, "protocol": "amqp", "protocolVersion": "0-9-1",
            "pathname": "/" + quote(vhost, safe=""),  # AMQP URI path: the vhost, percent-encoded
            "description": "RabbitMQ. External systems connect with the `external` account (read-only on `*.events`).",
        }},
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }
