"""Issue 11, Low: identity's outbox kept every identity.person.* body (names, birth dates,
phones) for ever. Once the broker has confirmed such an event the relay drops its data; the
migration does the same to what was published before."""
from __future__ import annotations

import json

from sqlalchemy import MetaData, create_engine, insert, select

from kabinet_identity.bootstrap import create_relay
from kabinet_identity.config import SERVICE_DIR, Settings
from kabinet_identity.models import OUTBOX
from kabinet_kit.events import CloudEvent, utcnow
from kabinet_kit.migrations import upgrade
from kabinet_kit.outbox import outbox_table
from kabinet_kit.testing import fresh_database, service_amqp_url


def _bodies(api) -> list[tuple[str, str, bool]]:
    with api.deps.session_factory() as s:
        return [tuple(r) for r in s.execute(select(OUTBOX.c.event_type, OUTBOX.c.body, OUTBOX.c.personal))]


def test_after_the_relay_no_outbox_row_holds_a_persons_data(fresh_api):
    school1 = next(o for o in fresh_api.as_("department", "GET", "/organisations").json["items"]
                   if o["short_name"] == "Школа № 1")["organisation_id"]
    created = fresh_api.as_("school1-admin", "POST", "/people", json={
        "kind": "guardian", "organisation_id": school1, "last_name": "Незабудкина", "first_name": "Ярослава",
        "phone": "+7 900 123-45-67"})
    assert created.status_code == 201, created.json
    rows = _bodies(fresh_api)
    assert any("Незабудкина" in body for _, body, _ in rows)  # needed until the broker has it
    assert {personal for type_, _, personal in rows if type_.startswith("identity.person.")} == {True}
    assert not any(personal for type_, _, personal in rows if not type_.startswith("identity.person."))

    relay = create_relay(Settings(database_url=fresh_api.deps.settings.database_url,
                                  relay_amqp_url=service_amqp_url("identity", "relay")))
    try:
        assert relay.drain() == len(rows)
    finally:
        relay.close()
    rows = _bodies(fresh_api)
    assert not any("Незабудкина" in body or "123-45-67" in body or "Петров" in body for _, body, _ in rows)
    person_events = [json.loads(body) for type_, body, _ in rows if type_.startswith("identity.person.")]
    assert person_events and all(e["data"] == {} and e["subject"] for e in person_events)
    # Events without personal data keep their bodies.
    assert all(json.loads(body)["data"] for type_, body, _ in rows if not type_.startswith("identity.person."))


def _person_row(published: bool) -> dict:
    event = CloudEvent(type="identity.person.registered.v1", source="/kabinet/identity", data={
        "person_id": "16fd2706-8baf-433b-82eb-8c7fada847da", "kind": "guardian", "last_name": "Старожилова",
        "first_name": "Анна", "middle_name": None, "birth_date": None, "email": None, "phone": "+7 900 000-00-01"})
    return {"event_id": event.id, "event_type": event.type, "exchange": "identity.pd",
            "routing_key": event.type, "body": event.to_json(), "created_at": event.time,
            "published_at": utcnow() if published else None}


def test_the_migration_scrubs_what_was_published_before_and_keeps_what_waits():
    with fresh_database("identity") as url:
        upgrade(SERVICE_DIR, url, "0003")
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                # The outbox as it was before the flag.
                conn.execute(insert(outbox_table(MetaData(), personal=False)),
                             [_person_row(published=True), _person_row(published=False)])
            upgrade(SERVICE_DIR, url)
            with engine.connect() as conn:
                rows = conn.execute(select(OUTBOX.c.published_at, OUTBOX.c.body, OUTBOX.c.personal)
                                    .order_by(OUTBOX.c.id)).all()
        finally:
            engine.dispose()
    (published_at, published_body, flag1), (waiting_at, waiting_body, flag2) = rows
    assert flag1 and flag2
    assert published_at is not None and "Старожилова" not in published_body
    assert json.loads(published_body)["data"] == {}
    assert waiting_at is None and json.loads(waiting_body)["data"]["last_name"] == "Старожилова"
