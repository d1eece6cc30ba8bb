"""Issue 12: a child's record corrected in identity (PATCH /people/{id}) shows in the cabinet
under the consent, and only under it; an older record delivered late does not undo it."""
import uuid

from kombu import Connection, Exchange, Producer
from sqlalchemy import select

from kabinet_kit.events import CloudEvent
from kabinet_kit.testing import admin_amqp_url
from kabinet_preschool import models as m


def _child(world, last, first, consent):
    kg1, sunshine = world.org("Детский сад № 1"), world.group("Солнышко")
    child = world.idn("kg1-admin", "POST", "/people", json={
        "kind": "child", "organisation_id": kg1, "last_name": last, "first_name": first,
        "birth_date": "2020-07-07"}).json["person_id"]
    assert world.idn("kg1-admin", "POST", "/movements", json={
        "kind": "enrol", "child_id": child, "group_id": sunshine, "order_number": "51-д",
        "order_date": "2026-10-02"}).status_code == 201
    if consent:
        guardian = world.idn("kg1-admin", "POST", "/people", json={
            "kind": "guardian", "organisation_id": kg1, "last_name": last, "first_name": "Олег"}).json["person_id"]
        assert world.idn("kg1-admin", "POST", f"/children/{child}/guardians",
                         json={"guardian_person_id": guardian}).status_code == 201
        assert world.idn("kg1-admin", "POST", f"/children/{child}/consents", json={
            "purpose": "preschool_cabinet", "given_by_person_id": guardian, "registration_number": "ЛКД-2026/090",
            "registration_date": "2026-10-03"}).status_code == 201
    world.sync()
    return child


def _correct(world, login, person_id, body):
    """A correction as a client makes it: read the record's ETag, save with it as If-Match."""
    read = world.idn(login, "GET", f"/people/{person_id}")
    assert read.status_code == 200, read.json
    return world.identity.open(f"/people/{person_id}", method="PATCH", json=body, headers={
        "Authorization": f"Bearer {world.token(login)}", "If-Match": read.headers["ETag"]})


def _listing(world, child):
    children = world.as_("educator1", "GET", f"/groups/{world.group('Солнышко')}/children").json["children"]
    return next(c for c in children if c["child_id"] == child)


def _card(world, child):
    card = world.as_("educator1", "GET", f"/children/{child}/cabinet")
    assert card.status_code == 200, card.json
    return card.json["display_name"]


def _deliver_late(world, type_, data):
    before = world.processed()
    event = CloudEvent(type=type_, source="/kabinet/identity", subject=data["person_id"], id=str(uuid.uuid4()),
                       data=data)
    with Connection(admin_amqp_url(world.vhost)) as conn:
        Producer(conn.channel()).publish(event.to_json(), exchange=Exchange("identity.pd", type="topic"),
                                         routing_key=type_, content_type="application/cloudevents+json",
                                         delivery_mode=2)
    world.consumer.wait_for(lambda: world.processed() > before, what="the late event applied")


def test_a_corrected_surname_shows_under_consent_and_an_older_record_does_not_undo_it(world):
    child = _child(world, "Ошибкова", "Нина", consent=True)
    assert _listing(world, child)["display_name"] == "Ошибкова Нина"
    fixed = _correct(world, "kg1-admin", child, {"last_name": "Ошибкина"})
    assert fixed.status_code == 200, fixed.json
    world.sync()
    assert _listing(world, child)["display_name"] == _card(world, child) == "Ошибкина Нина"
    # The registration record (sequence 1), retried after the correction, brings nothing back.
    _deliver_late(world, "identity.person.registered.v1", {
        "person_id": child, "kind": "child", "last_name": "Ошибкова", "first_name": "Нина", "middle_name": None,
        "birth_date": "2020-07-07", "email": None, "phone": None, "sequence": 1})
    assert _listing(world, child)["display_name"] == _card(world, child) == "Ошибкина Нина"


def test_a_correction_of_a_child_without_consent_keeps_no_name(world):
    child = _child(world, "Безсогласова", "Лия", consent=False)
    assert _correct(world, "kg1-admin", child, {"first_name": "Лиана"}).status_code == 200
    world.sync()
    assert not _listing(world, child)["named"] and "Лиана" not in _card(world, child)
    with world.session() as s:
        assert s.scalar(select(m.ChildName).where(m.ChildName.child_id == child)) is None
