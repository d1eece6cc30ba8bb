"""An identity event from a producer one minor revision ahead (an optional field the journal has
never heard of) is applied by the journal's consumer on the real broker, not dead-lettered."""
from kabinet_contracts.testing import ADDED_FIELD
from kabinet_journal.models import Organisation
from kabinet_kit.db import new_id
from kabinet_kit.service import app_deps

ORGANISATION_CREATED = "identity.organisation.created.v1"


def test_an_added_optional_field_is_ignored_and_the_event_applied(app, consumer, feed):
    organisation_id = new_id()
    event_id = feed.publish(ORGANISATION_CREATED, {"organisation_id": organisation_id, "kind": "school",
                                                   "name": "Школа будущего", "short_name": "ШБ", "parent_id": None},
                            extra={ADDED_FIELD: "x"})
    [outcome] = consumer.wait_for_ids([event_id])
    assert outcome.status == "applied"
    with app_deps(app).session_factory() as session:
        organisation = session.get(Organisation, organisation_id)
    assert organisation is not None and organisation.name == "Школа будущего"
