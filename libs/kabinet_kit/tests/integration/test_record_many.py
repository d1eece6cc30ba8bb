"""Batched event recording: many events in one statement (COPY on PostgreSQL), each a complete
CloudEvent that the relay publishes like any other, and nothing written if the batch fails."""
from __future__ import annotations

import json
import uuid

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from kabinet_kit.events import CloudEvent


def _entries(kit, n: int) -> list[tuple[str, dict]]:
    return [(kit.EVENT_TYPE, {"entry_id": str(uuid.uuid4()), "account": "acc", "amount": i}) for i in range(n)]


def test_a_batch_lands_as_complete_events_with_subjects(sample, kit):
    outbox = kit.outbox
    batch = _entries(kit, 250)
    with sample.sessions() as session, session.begin():
        assert sample.recorder.record_many(session, batch) == 250
    with sample.engine.connect() as conn:
        rows = conn.execute(select(outbox.c.event_id, outbox.c.event_type, outbox.c.exchange, outbox.c.body)
                            .order_by(outbox.c.id)).all()
    assert len(rows) == 250 and len({r.event_id for r in rows}) == 250
    events = [CloudEvent.from_json(r.body) for r in rows]
    assert [e.data["amount"] for e in events] == list(range(250))
    assert [e.subject for e in events] == [d["entry_id"] for _, d in batch]
    assert all(r.exchange == "kittest.events" and e.id == r.event_id for r, e in zip(rows, events, strict=True))
    assert json.loads(rows[0].body)["source"] == "/kabinet/kittest"


def test_an_invalid_event_fails_the_whole_batch(sample, kit):
    batch = _entries(kit, 3) + [(kit.EVENT_TYPE, {"entry_id": "not-a-uuid", "account": "acc", "amount": 1})]
    with pytest.raises((ValidationError, ValueError)), sample.sessions() as session, session.begin():
        # Only the first of a type goes through the schema; a later one with other fields is refused.
        sample.recorder.record_many(session, [batch[0], (kit.EVENT_TYPE, {"entry_id": str(uuid.uuid4()),
                                                                       "account": "acc"})])
    with pytest.raises(ValidationError), sample.sessions() as session, session.begin():
        sample.recorder.record_many(session, [batch[-1]] + batch[:3])
    assert sample.unpublished() == 0


def test_a_batch_is_published_by_the_relay(sample, broker, kit):
    tap = broker.tap()
    with sample.sessions() as session, session.begin():
        sample.recorder.record_many(session, _entries(kit, 40))
    relay = sample.relay(broker.url)
    try:
        assert relay.drain() == 40
    finally:
        relay.close()
    assert sum(broker.read_ids(tap, 40).values()) == 40
