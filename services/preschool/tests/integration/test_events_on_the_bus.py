"""This service's events reach preschool.events through its relay under its own broker account,
and none of them carries a name or a note."""
import json
import uuid

from kombu import Connection, Queue

from kabinet_contracts import PERSONAL_DATA_FIELDS
from kabinet_kit.testing import admin_amqp_url, service_amqp_url
from kabinet_preschool.bootstrap import create_relay
from kabinet_preschool.config import Settings


def test_relay_publishes_events_without_personal_data(world, rounds):
    queue = f"test.preschool-events.{uuid.uuid4().hex[:8]}"
    with Connection(admin_amqp_url(world.vhost), connect_timeout=5) as conn:
        channel = conn.channel()
        Queue(queue, durable=False, auto_delete=False)(channel).declare()
        channel.queue_bind(queue=queue, exchange="preschool.events", routing_key="#")
        child = world.as_("educator1", "GET", f"/groups/{world.group('Солнышко')}/children").json["children"][1]
        ind = world.indicators("senior", "creativity")[0]
        assert world.save("educator1", "POST", "/observations", json={
            "child_id": child["child_id"], "round_id": rounds[1], "indicator_id": ind["id"], "level": 3,
            "note": "Рисует с увлечением, секретная заметка"}).status_code == 200
        relay = create_relay(Settings(database_url=world.deps.settings.database_url,
                                      relay_amqp_url=service_amqp_url("preschool", "relay", world.vhost)))
        try:
            assert relay.drain() >= 1
        finally:
            relay.close()
        simple = conn.SimpleQueue(queue, no_ack=True, queue_opts={"durable": False, "auto_delete": False})
        bodies = []
        while True:
            try:
                bodies.append(simple.get(timeout=1).body)
            except simple.Empty:
                break
        simple.close()
        channel.queue_delete(queue)
    events = [json.loads(b) for b in bodies]
    types = {e["type"] for e in events}
    assert {"preschool.round.opened.v1", "preschool.observation.recorded.v1"} <= types
    for raw, event in zip(bodies, events, strict=True):
        text = raw.decode() if isinstance(raw, bytes) else raw
        assert not (PERSONAL_DATA_FIELDS & set(event["data"])) and "note" not in event["data"]
        assert "секретная" not in text and "Соколов" not in text and "Воспитанник" not in text
        assert event["source"] == "/kabinet/preschool"
