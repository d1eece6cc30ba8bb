"""An identity event from a producer one minor revision ahead (an optional field the journal has
never heard of) is applied by the journal's consumer on the real broker, not dead-lettered."""
from amqp import Message

from kabinet_contracts import REGISTRY
from kabinet_contracts.testing import with_added_field
from kabinet_journal.models import Organisation
from kabinet_journal.testing import new_id
from kabinet_kit.events import CloudEvent

ORGANISATION_CREATED = "identity.organisation.created.v1"


def test_an_added_optional_field_is_ignored_and_the_event_applied(app, consumer, feed):
    organisation_id = new_id()
    data = with_added_field(ORGANISATION_CREATED, {"organisation_id": organisation_id, "kind": "school",
                                                   "name": "Школа будущего", "short_name": "ШБ", "parent_id": None})
    event = CloudEvent(type=ORGANISATION_CREATED, source="/kabinet/identity", data=data, subject=organisation_id)
    feed.channel.basic_publish(Message(event.to_json().encode(), content_type="application/cloudevents+json",
                                       delivery_mode=2, message_id=event.id),
                               exchange=REGISTRY.get(ORGANISATION_CREATED).exchange, routing_key=ORGANISATION_CREATED)
    consumer.wait_for_ids([event.id])
    assert consumer.outcomes[event.id].status == "applied"
    with app.extensions["journal.deps"].session_factory() as session:
        organisation = session.get(Organisation, organisation_id)
    assert organisation is not None and organisation.name == "Школа будущего"
