"""An account event from identity one minor revision ahead (an optional field the gateway has never
heard of) still revokes at once: the revocation consumer applies it instead of dead-lettering."""
from __future__ import annotations

import threading
import time
import uuid

import pytest
from kombu import Connection, Exchange, Producer
from sqlalchemy import select

from kabinet_contracts import REGISTRY
from kabinet_contracts.testing import with_added_field
from kabinet_gateway.bootstrap import create_app
from kabinet_gateway.config import SERVICE_DIR, Settings
from kabinet_gateway.consumer import build_consumer
from kabinet_gateway.models import revocations
from kabinet_kit import broker_definitions
from kabinet_kit.consumer import Outcome
from kabinet_kit.db import make_engine, make_session_factory
from kabinet_kit.events import CloudEvent
from kabinet_kit.testing import TEST_VHOST, admin_amqp_url, migrated_database, service_amqp_url

DEACTIVATED = "identity.account.deactivated.v1"


@pytest.fixture(scope="module")
def database_url():
    with migrated_database(SERVICE_DIR, "gateway") as url:
        yield url


@pytest.fixture(scope="module")
def outcomes(database_url):
    """The revocation consumer on a queue of this module's own; yields the outcomes by event id."""
    broker_definitions.load(TEST_VHOST)
    seen: dict[str, Outcome] = {}
    engine = make_engine(database_url)
    settings = Settings.from_mapping({"database_url": database_url, "amqp_url": service_amqp_url("gateway")})
    consumer = build_consumer(settings, make_session_factory(engine), name=f"evolution-test-{uuid.uuid4().hex[:8]}",
                              on_outcome=lambda o: seen.__setitem__(o.event_id, o))
    with Connection(service_amqp_url("gateway"), transport="pyamqp") as conn:
        consumer.declare(conn.channel())  # bound before anything is published
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    yield seen
    consumer.should_stop = True
    thread.join(timeout=5)
    consumer.close()
    with Connection(admin_amqp_url(), transport="pyamqp") as conn:
        for queue in (consumer.queue_name, f"{consumer.queue_name}.retry", f"{consumer.queue_name}.dead"):
            conn.channel().queue_delete(queue=queue)
    engine.dispose()


@pytest.fixture(scope="module")
def gateway(database_url, upstream_url, static_authenticator):
    app = create_app({"database_url": database_url, "authenticator": static_authenticator,
                      "upstreams": {"identity": upstream_url}})
    yield app
    app.extensions["kabinet.gateway"].close()


def test_deactivation_with_an_added_field_revokes_the_account(outcomes, gateway, database_url, mint):
    client = gateway.test_client()
    token, claims = mint(iat=int(time.time()) - 5)
    assert client.get("/api/identity/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    data = with_added_field(DEACTIVATED, {"account_id": claims["sub"], "person_id": claims["pid"],
                                          "reason": "employment_ended"})
    event = CloudEvent(type=DEACTIVATED, source="/kabinet/identity", data=data, subject=claims["sub"])
    with Connection(admin_amqp_url(), transport="pyamqp") as conn:
        Producer(conn.channel()).publish(
            event.to_json(), exchange=Exchange(REGISTRY.get(DEACTIVATED).exchange, type="topic", durable=True),
            routing_key=DEACTIVATED, delivery_mode=2, content_type="application/cloudevents+json",
            message_id=event.id, declare=[])
    deadline = time.monotonic() + 10
    while event.id not in outcomes:
        assert time.monotonic() < deadline, f"no outcome for the event; seen: {list(outcomes.values())}"
        time.sleep(0.02)
    assert outcomes[event.id].status == "applied"
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.scalar(select(revocations.c.account_id).where(revocations.c.event_id == event.id)) == claims["sub"]
    engine.dispose()
    refused_by = time.monotonic() + 3
    while client.get("/api/identity/me", headers={"Authorization": f"Bearer {token}"}).status_code != 401:
        assert time.monotonic() < refused_by, "the deactivated account's token is still accepted"
        time.sleep(0.02)
