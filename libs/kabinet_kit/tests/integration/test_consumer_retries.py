"""The idempotent consumer on a real broker: retries with back-off through the retry queue,
dead-lettering after the last attempt, malformed messages parked at once, and a poison message
never blocking the ones behind it."""
from __future__ import annotations

import json
import uuid
from collections import Counter

from kabinet_kit.consumer import ATTEMPTS_HEADER
from kabinet_kit.events import CloudEvent


def envelope(kit, account: str, amount: int = 1) -> CloudEvent:
    return CloudEvent(type=kit.EVENT_TYPE, source="/kabinet/kittest",
                      data={"entry_id": str(uuid.uuid4()), "account": account, "amount": amount})


def publish(broker, event: CloudEvent) -> str:
    broker.publish_raw(event.to_json().encode(), message_id=event.id)
    return event.id


def test_failing_handler_is_retried_with_back_off_then_applied_once(sample, broker, start_consumer, kit):
    failures: Counter = Counter()

    def flaky(session, event):
        if failures[event.id] < 2:
            failures[event.id] += 1
            raise RuntimeError("transient failure")
        kit.ledger_handler(session, event)

    consumer = start_consumer(flaky, max_attempts=5, base_delay=0.05)
    ids = {publish(broker, envelope(kit, "flaky", i)) for i in range(3)}
    consumer.wait_for(lambda: consumer.counts(ids)["applied"] == 3, what="3 applied after retries")
    assert consumer.counts(ids) == {"retried": 6, "applied": 3}
    assert set(consumer.by_id("applied").values()) == {1}
    assert sample.count(kit.ledger, kit.ledger.c.event_id.in_(ids)) == 3
    assert broker.message_count(f"{consumer.queue}.dead") == 0
    assert broker.message_count(f"{consumer.queue}.retry") == 0


def test_poison_message_is_dead_lettered_after_max_attempts_and_does_not_block_the_queue(
        sample, broker, start_consumer, kit):
    def handler(session, event):
        if event.data["account"] == "poison":
            raise RuntimeError("this event can never be handled")
        kit.ledger_handler(session, event)

    # prefetch 1: the poison message is first in line, the good ones strictly behind it
    consumer = start_consumer(handler, max_attempts=3, base_delay=0.2, prefetch=1)
    poison = publish(broker, envelope(kit, "poison"))
    good = {publish(broker, envelope(kit, "good", i)) for i in range(5)}

    consumer.wait_for(lambda: consumer.counts({poison})["dead_lettered"] == 1, what="poison dead-lettered")
    consumer.wait_for(lambda: consumer.counts(good)["applied"] == 5, what="good events applied")
    assert consumer.counts({poison}) == {"retried": 2, "dead_lettered": 1}  # 3 attempts in all
    outcomes = list(consumer.outcomes)
    last_good = max(i for i, o in enumerate(outcomes) if o.event_id in good)
    dead_at = next(i for i, o in enumerate(outcomes) if o.status == "dead_lettered")
    assert last_good < dead_at, "the events behind the poison waited for its retries"
    assert sample.count(kit.ledger, kit.ledger.c.event_id == poison) == 0
    assert sample.count(kit.processed, kit.processed.c.event_id == poison) == 0

    parked = broker.get(f"{consumer.queue}.dead")
    assert parked is not None and parked.properties["message_id"] == poison
    assert parked.headers[ATTEMPTS_HEADER] == 3  # three attempts, the last one parked it
    assert broker.get(f"{consumer.queue}.dead", timeout=0.3) is None


def test_malformed_messages_are_dead_lettered_at_once(sample, broker, start_consumer, kit):
    calls = []

    def handler(session, event):
        calls.append(event.id)
        kit.ledger_handler(session, event)

    consumer = start_consumer(handler, max_attempts=5, base_delay=0.05)
    not_json = b"{this is not json"
    no_id = json.loads(envelope(kit, "x").to_json())
    del no_id["id"]
    bad_data = json.loads(envelope(kit, "x").to_json())
    bad_data["data"]["amount"] = "a lot"
    broker.publish_raw(not_json)
    broker.publish_raw(json.dumps(no_id).encode())
    broker.publish_raw(json.dumps(bad_data).encode(), message_id=bad_data["id"])
    ok = publish(broker, envelope(kit, "fine"))

    consumer.wait_for(lambda: consumer.counts({ok})["applied"] == 1, what="the good event")
    consumer.wait_for(lambda: consumer.counts()["dead_lettered"] == 3, what="3 dead-lettered")
    assert consumer.counts() == {"dead_lettered": 3, "applied": 1}  # no retries for any of them
    assert calls == [ok]
    bodies = []
    for _ in range(3):
        message = broker.get(f"{consumer.queue}.dead")
        assert message is not None
        bodies.append(message.body)
    assert not_json in bodies
    assert broker.message_count(f"{consumer.queue}.dead") == 0
