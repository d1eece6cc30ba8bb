"""Published events that carry personal data do not stay in the outbox (issue 11, Low): once the
broker has confirmed a flagged row, the relay keeps its envelope but drops its data, in the
transaction that marks it published. Until then the body is whole, so a relay that dies before
marking publishes it again, complete."""
from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from kabinet_kit.outbox import EventRecorder

SECRET = "Незабудкина Ярослава"


class PersonalRegistry:
    """The sample contract, said to carry personal data (as identity.person.* do)."""

    def __init__(self, registry):
        self.registry = registry

    def get(self, type_):
        c = self.registry.get(type_)
        return SimpleNamespace(exchange=c.exchange, routing_key=c.routing_key, subject_field=c.subject_field,
                               schema=c.schema, carries_personal_data=True)

    def __getattr__(self, name):
        return getattr(self.registry, name)


def _bodies(sample, kit):
    with sample.engine.connect() as conn:
        return {row.event_id: (row.body, row.published_at) for row in conn.execute(
            select(kit.outbox.c.event_id, kit.outbox.c.body, kit.outbox.c.published_at))}


def _write_personal(sample, kit, n):
    """n events naming a person: one by one, and the last through record_many."""
    recorder = EventRecorder(kit.SERVICE, kit.outbox, PersonalRegistry(kit.REGISTRY))
    with sample.sessions.begin() as session:
        for i in range(n - 1):
            recorder.record(session, kit.EVENT_TYPE, {"entry_id": str(uuid.uuid4()), "account": SECRET, "amount": i})
        recorder.record_many(session, [(kit.EVENT_TYPE, {"entry_id": str(uuid.uuid4()), "account": SECRET,
                                                         "amount": 99})])


def test_personal_rows_are_scrubbed_after_confirmation_and_whole_until_then(sample, broker, amqp_url, kit,
                                                                            monkeypatch):
    tap = broker.tap()
    _write_personal(sample, kit, 5)
    plain = sample.write(3, account="no-one-in-particular")
    assert all(SECRET in body for body, _ in _bodies(sample, kit).values() if "no-one" not in body)

    relay = sample.relay(amqp_url, batch_size=100)
    real_mark = relay._mark

    def crash(conn, confirmed, nacked):
        raise RuntimeError("relay killed after the broker confirmed, before marking")

    monkeypatch.setattr(relay, "_mark", crash)
    try:
        with pytest.raises(RuntimeError, match="relay killed"):
            relay.drain_once()
        # Nothing was marked, so nothing was scrubbed: the bodies are needed for the next round.
        stored = _bodies(sample, kit)
        assert sum(SECRET in body for body, published in stored.values() if published is None) == 5
        monkeypatch.setattr(relay, "_mark", real_mark)
        assert relay.drain() == 8
    finally:
        relay.close()

    messages = broker.read_ids(tap, expected=16)
    assert sum(messages.values()) == 16  # each event twice: the crashed round's and the next one's
    stored = _bodies(sample, kit)
    assert all(published is not None for _, published in stored.values())
    assert not any(SECRET in body for body, _ in stored.values())
    # The envelope stays as history; only the data is gone. Rows without personal data are untouched.
    scrubbed = [json.loads(body) for body, _ in stored.values() if "no-one" not in body]
    assert len(scrubbed) == 5 and all(e["data"] == {} and e["type"] == kit.EVENT_TYPE for e in scrubbed)
    assert all(json.loads(stored[i][0])["data"]["account"] == "no-one-in-particular" for i in plain)


def test_the_broker_receives_the_whole_body_of_a_personal_event(sample, broker, amqp_url, kit):
    tap = broker.tap()
    _write_personal(sample, kit, 2)
    relay = sample.relay(amqp_url)
    try:
        assert relay.drain() == 2
    finally:
        relay.close()
    bodies = []
    for _ in range(2):
        message = broker.get(tap)
        assert message is not None
        bodies.append(json.loads(message.body))
    assert [b["data"]["account"] for b in bodies] == [SECRET, SECRET]
