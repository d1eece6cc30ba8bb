"""CloudEvents 1.0 envelope (structured JSON mode) with marshmallow validation."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

SPECVERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class CloudEvent:
    type: str
    source: str
    data: dict[str, Any]
    subject: str | None = None
    correlationid: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: datetime = field(default_factory=utcnow)
    datacontenttype: str = "application/json"
    specversion: str = SPECVERSION

    def to_json(self) -> str:
        return json.dumps(CloudEventSchema().dump(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: bytes | str) -> CloudEvent:
        try:
            payload = json.loads(raw)
        except (ValueError, TypeError) as exc:
            raise ValidationError({"_schema": [f"not JSON: {exc}"]}) from None
        if not isinstance(payload, dict):
            raise ValidationError({"_schema": ["envelope must be a JSON object"]})
        event: CloudEvent = CloudEventSchema().load(payload)
        return event


def _uuid_string(value: str) -> None:
    try:
        uuid.UUID(value)
    except (ValueError, TypeError, AttributeError):
        raise ValidationError("Not a valid UUID.") from None


class CloudEventSchema(Schema):
    class Meta:
        # CloudEvents lets producers add extension attributes; a consumer that does not know
        # one ignores it rather than dead-lettering the event.
        unknown = EXCLUDE

    specversion = fields.String(required=True, validate=validate.Equal(SPECVERSION))
    # Kabinet event ids are UUIDs (outbox and inbox columns are sized for one).
    id = fields.String(required=True, validate=_uuid_string)
    source = fields.String(required=True, validate=validate.Regexp(r"^/kabinet/[a-z][a-z_]*$"))
    type = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z_]*\.[a-z][a-z_]*\.[a-z][a-z_]*\.v\d+$"))
    time = fields.AwareDateTime(required=True)
    subject = fields.String(allow_none=True, load_default=None)
    datacontenttype = fields.String(load_default="application/json", validate=validate.Equal("application/json"))
    correlationid = fields.String(allow_none=True, load_default=None)
    data = fields.Dict(required=True)

    @post_load
    def _make(self, values: dict[str, Any], **_: Any) -> CloudEvent:
        return CloudEvent(**values)
