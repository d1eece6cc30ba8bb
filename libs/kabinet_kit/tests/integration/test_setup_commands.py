"""The one-shot commands ``make run`` uses to bring up the demo city in order: a consumer
declares its queue before anything is published, the relay drains the outbox and exits, and the
consumer applies what is queued and exits once the queue is quiet."""
from __future__ import annotations

import uuid

from kabinet_kit import consumer as consumer_module
from kabinet_kit import relay as relay_module
from kabinet_kit.consumer import Binding, EventConsumer


def make_consumer(kit, broker, sample, name: str) -> EventConsumer:
    consumer = EventConsumer(service=kit.SERVICE, name=name, amqp_url=broker.url,
                             bindings=[Binding(kit.EXCHANGE, kit.EVENT_TYPE)],
                             handlers={kit.EVENT_TYPE: kit.ledger_handler}, session_factory=sample.sessions,
                             processed=kit.processed, registry=kit.REGISTRY)
    broker.track(consumer.queue_name, f"{consumer.queue_name}.retry", f"{consumer.queue_name}.dead")
    return consumer


def test_declare_then_drain_then_apply_until_idle(kit, broker, sample, amqp_url):
    name = f"setup{uuid.uuid4().hex[:8]}"
    consumer_module.main(make_consumer(kit, broker, sample, name), ["--declare"])
    assert broker.message_count(f"{kit.SERVICE}.{name}") == 0  # the queue exists, bound, empty

    ids = sample.write(7, account="setup")
    relay_module.main(sample.relay(amqp_url), ["--drain"])
    assert sample.unpublished() == 0
    assert broker.message_count(f"{kit.SERVICE}.{name}") == 7  # nothing lost before a consumer ran

    handled = consumer_module.consume_until_idle(make_consumer(kit, broker, sample, name), idle_seconds=0.5)
    assert handled == 7
    assert sample.count(kit.processed, kit.processed.c.event_id.in_(ids)) == 7
    assert broker.message_count(f"{kit.SERVICE}.{name}") == 0
    ledger_rows = sample.count(kit.ledger)

    # Running the set-up again applies nothing twice and returns once the queue is quiet.
    consumer_module.main(make_consumer(kit, broker, sample, name), ["--until-idle", "0.3"])
    assert sample.count(kit.ledger) == ledger_rows
    assert sample.count(kit.processed, kit.processed.c.event_id.in_(ids)) == 7
