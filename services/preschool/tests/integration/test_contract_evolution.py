"""An identity event from a producer one minor revision ahead (an optional field the preschool
cabinet has never heard of) is applied by its consumer on the real broker, not dead-lettered."""
import uuid

from kabinet_contracts import REGISTRY
from kabinet_contracts.testing import ADDED_FIELD
from kabinet_kit.testing.feed import EventFeed
from kabinet_preschool import models as m

ORGANISATION_CREATED = "identity.organisation.created.v1"


def test_an_added_optional_field_is_ignored_and_the_event_applied(world):
    organisation_id = str(uuid.uuid4())
    feed = EventFeed(REGISTRY, world.consumer)
    try:
        event_id = feed.publish(ORGANISATION_CREATED, {"organisation_id": organisation_id, "kind": "kindergarten",
                                                       "name": "Детский сад будущего", "short_name": "ДС Б",
                                                       "parent_id": None}, extra={ADDED_FIELD: "x"})
        [outcome] = world.consumer.wait_for_ids([event_id], timeout=15)
    finally:
        feed.close()
    assert outcome.status == "applied" and event_id in world.applied_ids()
    with world.session() as session:
        organisation = session.get(m.Organisation, organisation_id)
    assert organisation is not None and organisation.name == "Детский сад будущего"
