"""Outbox → relay → broker → idempotent consumer, on a real broker and a migrated database."""
from __future__ import annotations

import pytest


def test_committed_events_are_relayed_and_applied_exactly_once(sample, broker, amqp_url, start_consumer, kit):
    consumer = start_consumer()
    tap = broker.tap()
    ids = sample.write(40) + sample.write(25, account="other")
    assert sample.unpublished() == 65

    relay = sample.relay(amqp_url, batch_size=16)
    try:
        assert relay.drain() == 65
    finally:
        relay.close()
    assert sample.unpublished() == 0
    assert relay.stats.published == 65 and relay.stats.nacked == 0

    expected = set(ids)
    consumer.wait_for(lambda: consumer.counts(expected)["applied"] == 65, what="65 applied")
    assert consumer.counts(expected) == {"applied": 65}, consumer.errors()
    assert consumer.by_id("applied").keys() == expected
    # Each handled event id is stored with the handler's writes: one ledger row per event.
    assert sample.count(kit.ledger, kit.ledger.c.event_id.in_(expected)) == 65
    assert sample.count(kit.processed, kit.processed.c.event_id.in_(expected)) == 65
    # The broker got each event exactly once (no crash, so no duplicate).
    received = broker.read_ids(tap, expected=65)
    assert set(received) == expected and set(received.values()) == {1}


def test_messages_carry_the_envelope_and_amqp_properties(sample, broker, amqp_url, kit):
    from kabinet_kit.events import CloudEvent

    tap = broker.tap()
    [event_id] = sample.write(1, account="props")
    relay = sample.relay(amqp_url)
    try:
        assert relay.drain() == 1
    finally:
        relay.close()
    message = broker.get(tap)
    assert message is not None
    assert message.properties["message_id"] == event_id
    assert message.properties["delivery_mode"] == 2
    assert message.properties["content_type"] == "application/cloudevents+json"
    assert message.properties["type"] == kit.EVENT_TYPE
    assert message.delivery_info["routing_key"] == kit.EVENT_TYPE
    event = CloudEvent.from_json(message.body)
    assert (event.id, event.type, event.source) == (event_id, kit.EVENT_TYPE, "/kabinet/kittest")
    assert event.data["account"] == "props" and event.subject == event.data["entry_id"]


def test_rolled_back_transactions_publish_nothing(sample, broker, amqp_url, kit):
    tap = broker.tap()
    sample.write(30, commit=False)
    with pytest.raises(RuntimeError):
        with sample.sessions.begin() as session:
            sample.recorder.record(session, kit.EVENT_TYPE,
                                   {"entry_id": "6fa459ea-ee8a-3ca4-894e-db77e160355e", "account": "x", "amount": 1})
            raise RuntimeError("the request failed after recording its event")
    assert sample.count(kit.outbox) == 0 and sample.count(kit.ledger) == 0

    committed = sample.write(3)
    relay = sample.relay(amqp_url)
    try:
        assert relay.drain() == 3
    finally:
        relay.close()
    received = broker.read_ids(tap, expected=3)
    assert set(received) == set(committed) and sum(received.values()) == 3


def test_relay_crash_between_publish_and_mark_redelivers_and_consumer_applies_once(
        sample, broker, amqp_url, start_consumer, kit, monkeypatch):
    consumer = start_consumer()
    ids = set(sample.write(30))
    relay = sample.relay(amqp_url, batch_size=100)
    real_mark = relay._mark
    crashes = []

    def crash_once(conn, confirmed, nacked):
        if not crashes:
            crashes.append(len(confirmed))
            raise RuntimeError("relay killed after the broker confirmed, before marking")
        return real_mark(conn, confirmed, nacked)

    monkeypatch.setattr(relay, "_mark", crash_once)
    try:
        with pytest.raises(RuntimeError, match="relay killed"):
            relay.drain_once()
        assert crashes == [30]
        assert sample.unpublished() == 30  # the marking was rolled back with the crash
        consumer.wait_for(lambda: consumer.counts(ids)["applied"] == 30, what="first delivery applied")

        # The next round (a restarted relay) publishes every row again.
        assert relay.drain() == 30
    finally:
        relay.close()
    assert sample.unpublished() == 0
    consumer.wait_for(lambda: consumer.counts(ids)["duplicate"] == 30, what="30 duplicates")
    assert consumer.counts(ids) == {"applied": 30, "duplicate": 30}
    assert set(consumer.by_id("applied").values()) == {1}
    assert sample.count(kit.ledger, kit.ledger.c.event_id.in_(ids)) == 30
