"""An identity event from a producer one minor revision ahead (an optional field the preschool
cabinet has never heard of) is applied by its consumer on the real broker, not dead-lettered."""
import time
import uuid

from kombu import Connection, Exchange, Producer

from kabinet_contracts import REGISTRY
from kabinet_contracts.testing import with_added_field
from kabinet_kit.events import CloudEvent
from kabinet_kit.testing import admin_amqp_url
from kabinet_preschool import models as m

ORGANISATION_CREATED = "identity.organisation.created.v1"


def test_an_added_optional_field_is_ignored_and_the_event_applied(world):
    organisation_id = str(uuid.uuid4())
    data = with_added_field(ORGANISATION_CREATED, {"organisation_id": organisation_id, "kind": "kindergarten",
                                                   "name": "Детский сад будущего", "short_name": "ДС Б",
                                                   "parent_id": None})
    event = CloudEvent(type=ORGANISATION_CREATED, source="/kabinet/identity", data=data, subject=organisation_id)
    with Connection(admin_amqp_url(world.vhost), transport="pyamqp") as conn:
        Producer(conn.channel()).publish(
            event.to_json(), exchange=Exchange(REGISTRY.get(ORGANISATION_CREATED).exchange, type="topic", durable=True),
            routing_key=ORGANISATION_CREATED, delivery_mode=2, content_type="application/cloudevents+json",
            message_id=event.id, declare=[])
    # Applied = its id stored with the replica's write; a dead-lettered event never gets there.
    deadline = time.monotonic() + 15
    while event.id not in world.applied_ids():
        assert time.monotonic() < deadline, "the event was not applied (dead-lettered?)"
        time.sleep(0.05)
    with world.session() as session:
        organisation = session.get(m.Organisation, organisation_id)
    assert organisation is not None and organisation.name == "Детский сад будущего"
