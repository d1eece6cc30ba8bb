"""Identity's events reach the real broker through the outbox relay, under identity's own
broker account; personal data travels only on identity.pd."""
import json
import uuid

import pytest
from kombu import Connection, Queue
from sqlalchemy import select

from kabinet_contracts import PERSONAL_DATA_FIELDS
from kabinet_identity.bootstrap import create_relay
from kabinet_identity.config import Settings
from kabinet_identity.models import OUTBOX
from kabinet_kit.testing import admin_amqp_url, service_amqp_url


@pytest.fixture()
def listeners():
    """Two queues of the test's own: everything on identity.events, everything on identity.pd."""
    suffix = uuid.uuid4().hex[:8]
    names = {"events": f"test.identity-events.{suffix}", "pd": f"test.identity-pd.{suffix}"}
    with Connection(admin_amqp_url(), connect_timeout=5) as conn:
        channel = conn.channel()
        for key, name in names.items():
            Queue(name, durable=False, auto_delete=False)(channel).declare()
            channel.queue_bind(queue=name, exchange=f"identity.{key}", routing_key="#")
        yield names
        for name in names.values():
            channel.queue_delete(name)


def drain(queue_name: str) -> list[dict]:
    messages = []
    with Connection(admin_amqp_url(), connect_timeout=5) as conn:
        queue = conn.SimpleQueue(queue_name, no_ack=True, queue_opts={"durable": False, "auto_delete": False})
        while True:
            try:
                message = queue.get(timeout=1)
            except queue.Empty:
                break
            messages.append(json.loads(message.body))
        queue.close()
    return messages


def test_relay_publishes_the_demo_city_with_personal_data_only_on_identity_pd(fresh_api, listeners):
    waiting = fresh_api.outbox_count()
    relay = create_relay(Settings(database_url=fresh_api.deps.settings.database_url,
                                  relay_amqp_url=service_amqp_url("identity", "relay")))
    try:
        assert relay.drain() == waiting
    finally:
        relay.close()
    public, personal = drain(listeners["events"]), drain(listeners["pd"])
    assert len(public) + len(personal) == waiting
    assert {e["type"] for e in personal} == {"identity.person.registered.v1", "identity.person.disclosed.v1"}
    assert all(not (PERSONAL_DATA_FIELDS & set(e["data"])) for e in public)
    assert all(e["specversion"] == "1.0" and e["source"] == "/kabinet/identity" for e in public + personal)
    enrolled = [e for e in public if e["type"] == "identity.child.enrolled.v1"]
    assert enrolled and all(e["subject"] == e["data"]["child_id"] for e in enrolled)
    # Nothing is left waiting, and a second round publishes nothing again.
    relay = create_relay(Settings(database_url=fresh_api.deps.settings.database_url,
                                  relay_amqp_url=service_amqp_url("identity", "relay")))
    try:
        assert relay.drain() == 0
    finally:
        relay.close()


def test_events_carry_the_request_correlation_id(fresh_api):
    anna = next(c for c in fresh_api.me("guardian1")["children"] if c["first_name"] == "Анна")["child_id"]
    response = fresh_api.as_("guardian1", "POST", f"/children/{anna}/consents",
                             json={"purpose": "preschool_cabinet"}, headers={"X-Correlation-ID": "corr-42"})
    assert response.status_code == 201
    with fresh_api.deps.session_factory() as s:
        body = s.scalar(select(OUTBOX.c.body).order_by(OUTBOX.c.id.desc()).limit(1))
    assert json.loads(body)["correlationid"] == "corr-42"
