"""What each broker account (deploy/rabbitmq/definitions.json) may do, on a real broker.

Every check connects as the account in question (pika, as an outside system would) to the
test vhost after the definitions were loaded there: ``<service>-relay`` publishes the service's
own exchanges and reads nothing, ``<service>-consumer`` owns its queues and retry/dead-letter
exchanges and cannot speak for its service, ``gateway-web`` may do nothing, ``external`` reads
the public exchanges into its own queues. Nothing skips: without a broker these tests fail.
"""
from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime

import pika
import pytest
from amqp.exceptions import AccessRefused
from pika.exceptions import ChannelClosedByBroker
from sqlalchemy import MetaData, insert

from kabinet_kit import broker_definitions as defs
from kabinet_kit.consumer import Binding, EventConsumer
from kabinet_kit.db import make_engine
from kabinet_kit.events import CloudEvent
from kabinet_kit.outbox import outbox_table
from kabinet_kit.relay import OutboxRelay
from kabinet_kit.testing import service_amqp_url
from kabinet_kit.testing.broker_accounts import (
    ACCESS_REFUSED,
    assert_refused,
    consumer,
    get_one,
    publish,
    relay,
)

PUBLISHERS = defs.configured_topology().publishers


# -- relays publish only to their own exchanges, and read nothing -------------------------
@pytest.mark.parametrize("service", PUBLISHERS)
def test_relay_declares_and_publishes_to_its_own_events_exchange(accounts, service):
    ch = accounts.channel(relay(service))
    # Re-declaring as the relay does is equivalent to the file's declaration (no 406).
    ch.exchange_declare(f"{service}.events", exchange_type="topic", durable=True)
    queue = accounts.own_queue(service, bind_to=(f"{service}.events", "#"))
    publish(ch, f"{service}.events", f"{service}.thing.happened.v1", b'{"n": 1}')
    assert get_one(accounts.channel(consumer(service)), queue) == b'{"n": 1}'


@pytest.mark.parametrize("service", PUBLISHERS)
def test_relay_cannot_read_or_make_any_queue(accounts, service):
    # Its own service's queue, with a message waiting, and another service's.
    for owner in (service, "gateway"):
        queue = accounts.own_queue(owner, bind_to=("identity.events", "#"))
        publish(accounts.channel(relay("identity")), "identity.events", "identity.x.y.v1", b"q")
        assert_refused(accounts.channel(relay(service)).basic_get, queue, auto_ack=True)
        assert_refused(accounts.channel(relay(service)).basic_consume, queue, lambda *a: None)
        assert_refused(accounts.channel(relay(service)).queue_purge, queue)
        assert get_one(accounts.channel(consumer(owner)), queue) == b"q"  # still there, unread
    assert_refused(accounts.channel(relay(service)).queue_declare, accounts.name(service), durable=True)
    assert_refused(accounts.channel(relay(service)).queue_declare, accounts.name("relay"), durable=True)


@pytest.mark.parametrize("user, exchange", [
    ("journal-relay", "identity.events"),
    ("journal-relay", "identity.pd"),
    ("portfolio-relay", "journal.events"),
    ("reports-relay", "preschool.events"),
    ("identity-relay", "reports.events"),
    ("journal-relay", "journal.requeue"),   # its own service's consumer's paths
    ("journal-relay", "journal.dlx"),
    ("journal-relay", ""),                  # the default exchange would reach any queue by name
    ("journal-consumer", "identity.events"),
    ("journal-consumer", "identity.pd"),
    ("journal-consumer", "journal.events"),  # only the relay publishes the service's events
    ("identity-consumer", "identity.pd"),
    ("journal-consumer", "identity.retry"),  # another consumer's retry path
    ("journal-consumer", ""),
    ("gateway-consumer", "identity.events"),
    ("gateway-web", "identity.events"),
    ("gateway-web", "gateway.requeue"),
    ("gateway-web", ""),
])
def test_account_cannot_publish_to_an_exchange_not_its_own(accounts, user, exchange):
    assert_refused(publish, accounts.channel(user), exchange, "portfolio.journal")


@pytest.mark.parametrize("user, exchange", [
    ("journal-consumer", "identity.events"), ("journal-consumer", "journal.events"),
    ("journal-relay", "identity.events"), ("journal-relay", "journal.dlx"), ("identity-relay", "identity.dlx"),
    ("gateway-consumer", "identity.pd"), ("gateway-web", "gateway.dlx"), ("external", "journal.events")])
def test_account_cannot_declare_an_exchange_not_its_own(accounts, user, exchange):
    assert_refused(accounts.channel(user).exchange_declare, exchange,
                   exchange_type="direct" if exchange.endswith(".dlx") else "topic", durable=True)


# -- forged events: nobody but identity's relay speaks for identity -----------------------
@pytest.mark.parametrize("forger", ["journal-consumer", "journal-relay", "preschool-consumer",
                                    "gateway-consumer", "gateway-web", "external"])
def test_a_forged_identity_event_is_refused_and_reaches_no_consumer(accounts, forger):
    # journal's own consumer queue for role events, as the journal consumer declares it.
    queue = accounts.own_queue("journal", bind_to=("identity.events", "identity.role.#"))
    forged = CloudEvent(source="identity", type="identity.role.assigned.v1",
                        data={"account_id": "00000000-0000-0000-0000-000000000001", "role": "department"})
    ch = accounts.channel(forger)
    with pytest.raises(ChannelClosedByBroker) as info:
        ch.basic_publish("identity.events", "identity.role.assigned.v1", forged.to_json().encode(),
                         pika.BasicProperties(delivery_mode=2, message_id=forged.id, type=forged.type))
    assert info.value.reply_code == ACCESS_REFUSED
    assert "ACCESS_REFUSED" in info.value.reply_text and "identity.events" in info.value.reply_text
    # Nothing arrived; identity's own relay still gets through to the same queue.
    reader = accounts.channel(consumer("journal"))
    time.sleep(0.2)
    assert reader.basic_get(queue, auto_ack=True)[0] is None
    publish(accounts.channel(relay("identity")), "identity.events", "identity.role.assigned.v1", b"genuine")
    assert get_one(reader, queue) == b"genuine"


# -- personal data: internal services' consumers only -------------------------------------
@pytest.mark.parametrize("service", ["journal", "preschool", "portfolio", "reports"])
def test_internal_consumer_receives_personal_data(accounts, service):
    queue = accounts.own_queue(service, bind_to=("identity.pd", "identity.person.#"))
    publish(accounts.channel(relay("identity")), "identity.pd", "identity.person.updated.v1", b'{"name": "x"}')
    assert get_one(accounts.channel(consumer(service)), queue) == b'{"name": "x"}'


def test_gateway_consumer_reads_identity_events_but_not_personal_data(accounts):
    queue = accounts.own_queue("gateway", bind_to=("identity.events", "identity.account.#"))
    assert_refused(accounts.channel(consumer("gateway")).queue_bind, queue, "identity.pd", routing_key="#")
    publish(accounts.channel(relay("identity")), "identity.events", "identity.account.revoked.v1", b"r")
    assert get_one(accounts.channel(consumer("gateway")), queue) == b"r"


@pytest.mark.parametrize("user", ["gateway-consumer", "gateway-web"])
def test_gateway_accounts_cannot_read_personal_data(accounts, user):
    # Neither by binding a queue of its own, nor from a queue that carries it.
    if user == "gateway-consumer":
        queue = accounts.own_queue("gateway")
        assert_refused(accounts.channel(user).queue_bind, queue, "identity.pd", routing_key="#")
    carrier = accounts.own_queue("journal", bind_to=("identity.pd", "#"))
    publish(accounts.channel(relay("identity")), "identity.pd", "identity.person.created.v1", b"pd")
    assert_refused(accounts.channel(user).basic_get, carrier, auto_ack=True)
    assert_refused(accounts.channel(user).basic_consume, carrier, lambda *a: None)
    assert get_one(accounts.channel(consumer("journal")), carrier) == b"pd"


def test_web_probe_account_connects_but_may_do_nothing(accounts):
    ch = accounts.channel("gateway-web")  # the gateway's /readyz: the broker answers
    assert_refused(ch.queue_declare, accounts.name("gateway"), durable=True)
    assert_refused(accounts.channel("gateway-web").queue_declare, "", exclusive=True)
    queue = accounts.own_queue("gateway", bind_to=("identity.events", "#"))
    assert_refused(accounts.channel("gateway-web").basic_get, queue)


# -- one service cannot touch another's queues -------------------------------------------
@pytest.mark.parametrize("template", [
    "{owner}.perm-{uid}",
    # Names that contain a readable exchange's name: the regexes must be anchored at both
    # ends for these queues to stay the owner's alone.
    "{owner}.perm-{uid}.journal.events",
    "{owner}.perm-{uid}.identity.pd",
    "{owner}.events-perm-{uid}",
    "{owner}.identity-events-{uid}",
])
@pytest.mark.parametrize("intruder", ["portfolio-consumer", "gateway-consumer", "journal-relay", "external"])
def test_service_cannot_consume_from_another_services_queue(accounts, intruder, template):
    queue = accounts.own_queue("journal", template, bind_to=("identity.pd", "#"))
    publish(accounts.channel(relay("identity")), "identity.pd", "identity.person.created.v1", b"pd")
    assert_refused(accounts.channel(intruder).basic_get, queue, auto_ack=True)
    assert_refused(accounts.channel(intruder).basic_consume, queue, lambda *a: None)
    assert get_one(accounts.channel(consumer("journal")), queue) == b"pd"  # still there, unread


@pytest.mark.parametrize("intruder", ["portfolio-consumer", "journal-relay"])
@pytest.mark.parametrize("action", ["bind", "purge", "delete", "redeclare"])
def test_service_cannot_alter_another_services_queue(accounts, action, intruder):
    queue = accounts.own_queue("journal")
    ch = accounts.channel(intruder)
    operation = {
        "bind": lambda: ch.queue_bind(queue, "portfolio.events", routing_key="#"),  # inject messages
        "purge": lambda: ch.queue_purge(queue),
        "delete": lambda: ch.queue_delete(queue),
        "redeclare": lambda: ch.queue_declare(queue, durable=True),
    }[action]
    assert_refused(operation)


# -- the external municipal system --------------------------------------------------------
def test_external_subscribes_to_events_with_its_own_queue(accounts):
    ch = accounts.channel("external")
    queue = accounts.name("external")
    ch.queue_declare(queue, durable=True)
    ch.queue_bind(queue, "identity.events", routing_key="identity.#")
    ch.queue_bind(queue, "journal.events", routing_key="journal.#")
    publish(accounts.channel(relay("identity")), "identity.events", "identity.group.created.v1", b'{"id": 1}')
    publish(accounts.channel(relay("journal")), "journal.events", "journal.lesson.held.v1", b'{"id": 2}')
    assert get_one(ch, queue) == b'{"id": 1}'
    assert get_one(ch, queue) == b'{"id": 2}'


def test_external_cannot_bind_to_personal_data(accounts):
    queue = accounts.name("external")
    accounts.channel("external").queue_declare(queue, durable=True)
    assert_refused(accounts.channel("external").queue_bind, queue, "identity.pd", routing_key="#")


def test_external_cannot_read_a_queue_that_carries_personal_data(accounts):
    queue = accounts.own_queue("journal", bind_to=("identity.pd", "#"))
    assert_refused(accounts.channel("external").basic_get, queue)
    assert_refused(accounts.channel("external").basic_consume, queue, lambda *a: None)


@pytest.mark.parametrize("name", ["journal.identity", "identity.pd", "spy", "externalspy", "external"])
def test_external_may_declare_only_external_queues(accounts, name):
    assert_refused(accounts.channel("external").queue_declare, name, durable=True)


@pytest.mark.parametrize("exchange", ["identity.events", "identity.pd", "journal.events", "journal.requeue", ""])
def test_external_cannot_publish(accounts, exchange):
    assert_refused(publish, accounts.channel("external"), exchange, "identity.account.created.v1")


# -- the kit's own relay and consumer work under their accounts ----------------------------
def test_kit_relay_and_consumer_run_under_their_accounts(accounts, tmp_path):
    # identity's relay declares its exchanges (equivalently to the file) and publishes.
    engine = make_engine(f"sqlite:///{tmp_path}/identity.db")
    metadata = MetaData()
    outbox = outbox_table(metadata)
    metadata.create_all(engine)

    # journal's consumer declares its queues, dead-letter and retry exchanges, and binds
    # to identity.events and identity.pd.
    name = f"perm-{accounts.uid}"
    for q in (f"journal.{name}", f"journal.{name}.retry", f"journal.{name}.dead"):
        accounts.queues.append(q)
    journal = EventConsumer(service="journal", name=name, amqp_url=service_amqp_url("journal", "consumer"),
                            bindings=[Binding("identity.events", "identity.#"),
                                      Binding("identity.pd", "identity.person.#")],
                            handlers={}, session_factory=None, processed=None, registry=None)
    try:
        journal.declare(journal.connection.default_channel)
    finally:
        journal.close()

    with engine.begin() as conn:
        for exchange, key in (("identity.pd", "identity.person.created.v1"),
                              ("identity.events", "identity.account.created.v1")):
            conn.execute(insert(outbox).values(event_id=str(uuid.uuid4()), event_type=key, exchange=exchange,
                                               routing_key=key, body=json.dumps({"key": key}),
                                               created_at=datetime.now(UTC)))
    outbox_relay = OutboxRelay(engine, outbox, service_amqp_url("identity", "relay"),
                               ["identity.events", "identity.pd"])
    try:
        assert outbox_relay.drain() == 2
    finally:
        outbox_relay.close()
        engine.dispose()
    ch = accounts.channel(consumer("journal"))
    received = {json.loads(get_one(ch, f"journal.{name}"))["key"] for _ in range(2)}
    assert received == {"identity.person.created.v1", "identity.account.created.v1"}


def test_kit_consumer_of_gateway_is_refused_personal_data(accounts):
    name = f"perm-{accounts.uid}"
    for q in (f"gateway.{name}", f"gateway.{name}.retry", f"gateway.{name}.dead"):
        accounts.queues.append(q)
    gateway = EventConsumer(service="gateway", name=name, amqp_url=service_amqp_url("gateway", "consumer"),
                            bindings=[Binding("identity.events", "identity.account.#"),
                                      Binding("identity.pd", "#")],
                            handlers={}, session_factory=None, processed=None, registry=None)
    try:
        with pytest.raises(AccessRefused):
            gateway.declare(gateway.connection.default_channel)
    finally:
        gateway.close()
