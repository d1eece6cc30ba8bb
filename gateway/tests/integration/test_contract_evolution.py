"""An account event from identity one minor revision ahead (an optional field the gateway has never
heard of) still revokes at once: the revocation consumer applies it instead of dead-lettering."""
from __future__ import annotations

import functools
import time

import pytest
from sqlalchemy import select

from kabinet_contracts import REGISTRY
from kabinet_contracts.testing import ADDED_FIELD
from kabinet_gateway.bootstrap import create_app
from kabinet_gateway.config import SERVICE_DIR, Settings
from kabinet_gateway.consumer import build_consumer
from kabinet_gateway.models import revocations
from kabinet_kit import broker_definitions
from kabinet_kit.db import make_engine, make_session_factory
from kabinet_kit.testing import TEST_VHOST, migrated_database, service_amqp_url
from kabinet_kit.testing.feed import EventFeed, RunningConsumer

DEACTIVATED = "identity.account.deactivated.v1"


@pytest.fixture(scope="module")
def database_url():
    with migrated_database(SERVICE_DIR, "gateway") as url:
        yield url


@pytest.fixture(scope="module")
def feed(database_url):
    """The revocation consumer on a queue of this module's own, fed as identity's relay would."""
    broker_definitions.load(TEST_VHOST)
    engine = make_engine(database_url)
    settings = Settings.load({"database_url": database_url,
                              "consumer_amqp_url": service_amqp_url("gateway", "consumer")})
    running = RunningConsumer(functools.partial(build_consumer, settings, make_session_factory(engine)),
                              label="evolution-test")
    feed = EventFeed(REGISTRY, running)
    yield feed
    feed.close()
    running.stop()
    engine.dispose()


@pytest.fixture(scope="module")
def gateway(database_url, upstream_url, minter):
    app = create_app({"database_url": database_url, "key_source": minter.key_source,
                      "upstreams": {"identity": upstream_url}})
    yield app
    app.extensions["kabinet.gateway"].close()


def test_deactivation_with_an_added_field_revokes_the_account(feed, gateway, database_url, mint):
    client = gateway.test_client()
    token, claims = mint(iat=int(time.time()) - 5)
    assert client.get("/api/identity/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    event_id = feed.publish(DEACTIVATED, {"account_id": claims["sub"], "person_id": claims["pid"],
                                          "reason": "employment_ended"}, extra={ADDED_FIELD: "x"})
    [outcome] = feed.consumer.wait_for_ids([event_id], timeout=10)
    assert outcome.status == "applied"
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.scalar(select(revocations.c.account_id).where(revocations.c.event_id == event_id)) == claims["sub"]
    engine.dispose()
    refused_by = time.monotonic() + 3
    while client.get("/api/identity/me", headers={"Authorization": f"Bearer {token}"}).status_code != 401:
        assert time.monotonic() < refused_by, "the deactivated account's token is still accepted"
        time.sleep(0.02)
