"""Issue 11, finding 5: an outage never dead-letters an event, a message that can never be
applied is dead-lettered with the error recorded, and dead letters can be listed and replayed
(``python -m kabinet_kit.dead_letters``), also under a service's own broker account."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

from amqp import Message
from sqlalchemy.exc import OperationalError

from kabinet_kit import broker_definitions as defs
from kabinet_kit.consumer import ERROR_HEADER, Binding, EventConsumer
from kabinet_kit.errors import Conflict
from kabinet_kit.events import CloudEvent
from kabinet_kit.testing import TEST_VHOST, service_amqp_url


def envelope(kit, account: str, amount: int = 1) -> CloudEvent:
    return CloudEvent(type=kit.EVENT_TYPE, source="/kabinet/kittest",
                      data={"entry_id": str(uuid.uuid4()), "account": account, "amount": amount})


def publish(broker, event: CloudEvent) -> str:
    broker.publish_raw(event.to_json().encode(), message_id=event.id)
    return event.id


def command(url: str, queue: str, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "kabinet_kit.dead_letters", "--url", url, "--queue", queue,
                           *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done


class FailingSessions:
    """The consumer's database unreachable for the first ``failures`` transactions."""

    def __init__(self, sessions, failures: int):
        self.sessions = sessions
        self.failures = failures
        self.calls = 0

    def __call__(self):
        self.calls += 1
        if self.calls <= self.failures:
            raise OperationalError("connect", {}, ConnectionRefusedError("connection refused"))
        return self.sessions()


def test_database_outage_longer_than_the_retry_budget_is_waited_out(sample, broker, start_consumer, kit):
    """Issue 11, finding 5: four retries used to dead-letter an event during a ~15 s outage."""
    sessions = FailingSessions(sample.sessions, failures=7)
    consumer = start_consumer(max_attempts=3, base_delay=0.02, max_delay=0.1, session_factory=sessions)
    event_id = publish(broker, envelope(kit, "outage"))
    consumer.wait_for(lambda: consumer.counts({event_id})["applied"] == 1 or consumer.counts()["dead_lettered"],
                      what="the event applied after the outage")
    assert consumer.counts({event_id}) == {"retried": 7, "applied": 1}
    assert sample.count(kit.ledger, kit.ledger.c.event_id == event_id) == 1
    assert broker.message_count(f"{consumer.queue}.dead") == 0


def test_rule_error_is_dead_lettered_with_the_error_recorded(sample, broker, start_consumer, kit):
    """Issue 11, finding 5: a message that can never be applied is parked with its error."""
    def handler(session, event):
        raise Conflict("the account is closed")

    consumer = start_consumer(handler, max_attempts=3, base_delay=0.02)
    event_id = publish(broker, envelope(kit, "closed"))
    consumer.wait_for(lambda: consumer.counts({event_id})["dead_lettered"] == 1, what="dead-lettered")
    assert consumer.counts({event_id}) == {"retried": 2, "dead_lettered": 1}
    parked = broker.get(f"{consumer.queue}.dead")
    assert parked is not None and parked.properties["message_id"] == event_id
    assert "the account is closed" in parked.headers[ERROR_HEADER]


def test_dead_letters_are_listed_shown_and_replayed_exactly_once(sample, broker, start_consumer, kit):
    """Issue 11, finding 5: nothing replayed dead letters, so an event lost there was lost for good."""
    fixed = {"yes": False}

    def handler(session, event):
        if not fixed["yes"]:
            raise Conflict("the account is closed")
        kit.ledger_handler(session, event)

    consumer = start_consumer(handler, max_attempts=2, base_delay=0.02)
    first, second = publish(broker, envelope(kit, "a")), publish(broker, envelope(kit, "b"))
    consumer.wait_for(lambda: consumer.counts()["dead_lettered"] == 2, what="both dead-lettered")
    dead = f"{consumer.queue}.dead"
    broker.channel.queue_declare(queue=dead, passive=True)

    listing = command(broker.url, consumer.queue, "list").stdout
    assert first in listing and second in listing and "the account is closed" in listing
    shown = command(broker.url, consumer.queue, "show", "1").stdout
    assert json.loads(shown.split("\n\n", 1)[1])["id"] in (first, second)
    assert broker.message_count(dead) == 2  # looking takes nothing away

    fixed["yes"] = True
    assert "replayed 1" in command(broker.url, consumer.queue, "replay", "--id", second).stdout
    consumer.wait_for(lambda: consumer.counts({second})["applied"] == 1, what="the replayed event")
    assert broker.message_count(dead) == 1
    command(broker.url, consumer.queue, "replay", "--all")
    consumer.wait_for(lambda: consumer.counts({first})["applied"] == 1, what="the other replayed event")
    assert broker.message_count(dead) == 0
    command(broker.url, consumer.queue, "replay", "--all")  # again: nothing left, nothing applied twice
    for event_id in (first, second):
        assert sample.count(kit.ledger, kit.ledger.c.event_id == event_id) == 1


def test_the_command_works_under_the_services_own_account(broker, kit):
    """Issue 11, finding 5: the journal's own broker account lists and replays its dead letters."""
    defs.load(TEST_VHOST)
    name = f"dl-{uuid.uuid4().hex[:8]}"
    consumer = EventConsumer(service="journal", name=name, amqp_url=broker.url,
                             bindings=[Binding(kit.EXCHANGE, kit.EVENT_TYPE)], handlers={},
                             session_factory=None, processed=kit.processed, registry=kit.REGISTRY)
    queue = consumer.queue_name
    broker.track(queue, f"{queue}.retry", f"{queue}.dead")
    consumer.declare(broker.channel)
    consumer.close()
    event = envelope(kit, "journal")
    broker.channel.basic_publish(Message(event.to_json().encode(), message_id=event.id,
                                         application_headers={ERROR_HEADER: "Conflict('x')"}),
                                 exchange="journal.dlx", routing_key=queue)
    own = service_amqp_url("journal", "consumer")
    assert event.id in command(own, queue, "list").stdout
    # Without --url: the consumer's variable, as the consumer process reads it.
    done = subprocess.run([sys.executable, "-m", "kabinet_kit.dead_letters", "--queue", queue, "replay", "--all"],
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "JOURNAL_CONSUMER_AMQP_URL": own})
    assert done.returncode == 0, done.stderr
    back = broker.get(queue)
    assert back is not None and back.properties["message_id"] == event.id
    assert broker.message_count(f"{queue}.dead") == 0


def test_the_command_without_a_broker_url_names_the_variable():
    env = {k: v for k, v in os.environ.items() if not k.endswith("AMQP_URL")}
    done = subprocess.run([sys.executable, "-m", "kabinet_kit.dead_letters", "--queue", "journal.identity", "list"],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 2 and "JOURNAL_CONSUMER_AMQP_URL is not set" in done.stderr, done.stderr
