"""Consent (PRE-06): a name appears only while the preschool_cabinet consent is in
force; revocation erases it from this service within seconds and every screen shows the
pseudonym again."""
import time
import uuid
from datetime import timedelta

from kombu import Connection, Exchange, Producer
from sqlalchemy import MetaData, func, select

from kabinet_kit.events import CloudEvent, utcnow
from kabinet_kit.testing import admin_amqp_url
from kabinet_preschool import models as m


def _new_child(world, last="Орлова", first="Ника"):
    kg1, sunshine = world.org("Детский сад № 1"), world.group("Солнышко")
    child = world.idn("kg1-admin", "POST", "/people", json={
        "kind": "child", "organisation_id": kg1, "last_name": last, "first_name": first,
        "birth_date": "2020-07-07"}).json["person_id"]
    assert world.idn("kg1-admin", "POST", "/movements", json={
        "kind": "enrol", "child_id": child, "group_id": sunshine, "order_number": "41-д",
        "order_date": "2026-10-02"}).status_code == 201
    guardian = world.idn("kg1-admin", "POST", "/people", json={
        "kind": "guardian", "organisation_id": kg1, "last_name": last[:-1], "first_name": "Олег"}).json["person_id"]
    assert world.idn("kg1-admin", "POST", f"/children/{child}/guardians",
                     json={"guardian_person_id": guardian}).status_code == 201
    return child, guardian


def _listing(world, child):
    children = world.as_("educator1", "GET", f"/groups/{world.group('Солнышко')}/children").json["children"]
    return next(c for c in children if c["child_id"] == child)


def _every_stored_text(world) -> str:
    """Every value of every table of this service's database, as one string."""
    engine = world.deps.session_factory.kw["bind"]
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return "\n".join(str(row) for table in meta.sorted_tables for row in conn.execute(table.select()))


def test_consent_shows_the_name_and_revocation_erases_it_within_seconds(world, rounds):
    child, guardian = _new_child(world)
    world.sync()
    pseudonym = _listing(world, child)
    assert not pseudonym["named"] and pseudonym["display_name"].startswith("Воспитанник №")

    given = world.idn("kg1-admin", "POST", f"/children/{child}/consents", json={
        "purpose": "preschool_cabinet", "given_by_person_id": guardian, "registration_number": "ЛКД-2026/050",
        "registration_date": "2026-10-03"})
    assert given.status_code == 201, given.json
    world.sync()
    assert _listing(world, child)["display_name"] == "Орлова Ника"
    # An observation exists, so the child's cabinet and the database both hold something about them.
    indicator = world.indicators("senior", "speech")[0]
    assert world.save("educator1", "POST", "/observations", json={
        "child_id": child, "round_id": rounds[1], "indicator_id": indicator["id"], "level": 2}).status_code == 200
    assert world.as_("educator1", "GET", f"/children/{child}/cabinet").json["display_name"] == "Орлова Ника"

    revoked = world.idn("kg1-admin", "POST", f"/children/{child}/consents/preschool_cabinet/revoke",
                        json={"reason": "заявление родителя"})
    assert revoked.status_code == 200, revoked.json
    started = time.monotonic()
    world.sync()
    assert time.monotonic() - started < 5
    again = _listing(world, child)
    assert again == {**pseudonym}
    cabinet = world.as_("educator1", "GET", f"/children/{child}/cabinet").json
    assert cabinet["display_name"] == pseudonym["display_name"] and not cabinet["named"]
    with world.session() as s:
        assert s.scalar(select(func.count()).select_from(m.ChildName).where(m.ChildName.child_id == child)) == 0
        assert s.get(m.Child, child).consent is False
    stored = _every_stored_text(world)
    assert "Орлова" not in stored and "Ника" not in stored
    # The observation itself stays: the child is still observed, under the pseudonym.
    assert cabinet["catalogues"][0]["cards"]


def _publish(world, event: CloudEvent, exchange: str) -> None:
    with Connection(admin_amqp_url(world.vhost), transport="pyamqp") as conn:
        Producer(conn.channel()).publish(event.to_json(), exchange=Exchange(exchange, type="topic", durable=True),
                                         routing_key=event.type, delivery_mode=2, message_id=event.id,
                                         content_type="application/cloudevents+json")


def _wait_applied(world, before: int, count: int = 1) -> None:
    deadline = time.monotonic() + 10
    while world.processed() < before + count:
        assert time.monotonic() < deadline, "the consumer did not apply the event"
        time.sleep(0.05)


def _person(child, last, first, **extra):
    return {"person_id": child, "kind": "child", "last_name": last, "first_name": first, "middle_name": None,
            "birth_date": "2020-07-07", "email": None, "phone": None, **extra}


def test_without_consent_no_name_is_stored_even_when_identity_sends_it(world):
    child, _guardian = _new_child(world, last="Лаптева", first="Зоя")
    world.sync()  # identity.person.registered.v1 with the name has been applied
    assert not _listing(world, child)["named"]
    with world.session() as s:
        assert s.get(m.ChildName, child) is None
    # A later change of the record (person.updated) does not bring the name either.
    before = world.processed()
    _publish(world, CloudEvent(type="identity.person.updated.v1", source="/kabinet/identity", subject=child,
                        data=_person(child, "Лаптева", "Зоя")), "identity.pd")
    _wait_applied(world, before)
    assert "Лаптева" not in _every_stored_text(world) and not _listing(world, child)["named"]


def test_consent_given_in_identity_discloses_the_name_and_later_updates_follow(world):
    child, guardian = _new_child(world, last="Ёжикова", first="Тая")
    world.sync()
    assert world.idn("kg1-admin", "POST", f"/children/{child}/consents", json={
        "purpose": "preschool_cabinet", "given_by_person_id": guardian, "registration_number": "ЛКД-2026/051",
        "registration_date": "2026-10-04"}).status_code == 201
    world.sync()  # consent.given and person.disclosed
    assert _listing(world, child)["display_name"] == "Ёжикова Тая"
    before = world.processed()
    _publish(world, CloudEvent(type="identity.person.updated.v1", source="/kabinet/identity", subject=child,
                        data=_person(child, "Ёжикова", "Таисия")), "identity.pd")
    _wait_applied(world, before)
    assert _listing(world, child)["display_name"] == "Ёжикова Таисия"
    with world.session() as s:
        name = s.get(m.ChildName, child)
        assert (name.last_name, name.first_name) == ("Ёжикова", "Таисия")
    # Birth date and contacts are never kept.
    assert "2020-07-07" not in _every_stored_text(world)


def test_a_disclosure_delivered_after_the_revocation_does_not_bring_the_name_back(world):
    """Out-of-order delivery (a retried message): the older disclosure (its consent's sequence 1)
    changes nothing once the revocation (sequence 2) is applied (issue 11, finding 6)."""
    child, _guardian = _new_child(world, last="Юрченко", first="Ося")
    world.sync()
    t0 = utcnow()
    disclosed = CloudEvent(type="identity.person.disclosed.v1", source="/kabinet/identity", subject=child,
                           time=t0, data={**_person(child, "Юрченко", "Ося", purpose="preschool_cabinet"),
                                                   "consent_sequence": 1})
    revoked = CloudEvent(type="identity.consent.revoked.v1", source="/kabinet/identity", subject=child,
                         time=t0 + timedelta(seconds=1), data={
                             "consent_id": str(uuid.uuid4()), "child_id": child, "purpose": "preschool_cabinet",
                             "registration_number": None, "registration_date": None, "sequence": 2})
    before = world.processed()
    _publish(world, revoked, "identity.events")
    _wait_applied(world, before)
    _publish(world, disclosed, "identity.pd")
    _wait_applied(world, before, 2)
    assert not _listing(world, child)["named"]
    assert "Юрченко" not in _every_stored_text(world)
    # Disclosure first and consent.given after it (the other order) shows the name.
    child2, _ = _new_child(world, last="Щеглова", first="Ада")
    world.sync()
    before = world.processed()
    _publish(world, CloudEvent(type="identity.person.disclosed.v1", source="/kabinet/identity", subject=child2,
                        data={**_person(child2, "Щеглова", "Ада", purpose="preschool_cabinet"),
                              "consent_sequence": 1}), "identity.pd")
    _wait_applied(world, before)
    _publish(world, CloudEvent(type="identity.consent.given.v1", source="/kabinet/identity", subject=child2, data={
        "consent_id": str(uuid.uuid4()), "child_id": child2, "purpose": "preschool_cabinet",
        "registration_number": "ЛКД-2026/090", "registration_date": "2026-10-05", "sequence": 1}),
        "identity.events")
    _wait_applied(world, before, 2)
    assert _listing(world, child2)["display_name"] == "Щеглова Ада"


def test_erasure_deletes_the_name(world):
    child, guardian = _new_child(world, last="Кузьмина", first="Лада")
    world.sync()
    assert world.idn("kg1-admin", "POST", f"/children/{child}/consents", json={
        "purpose": "preschool_cabinet", "given_by_person_id": guardian, "registration_number": "ЛКД-2026/052",
        "registration_date": "2026-10-04"}).status_code == 201
    world.sync()
    assert _listing(world, child)["named"]
    before = world.processed()
    _publish(world, CloudEvent(type="identity.person.erased.v1", source="/kabinet/identity", subject=child,
                        data={"person_id": child}), "identity.pd")
    _wait_applied(world, before)
    with world.session() as s:
        assert s.get(m.ChildName, child) is None
    assert not _listing(world, child)["named"]
    # A late copy of an earlier record (a retried disclosure, an update) brings nothing back (IDN-08).
    before = world.processed()
    _publish(world, CloudEvent(type="identity.person.disclosed.v1", source="/kabinet/identity", subject=child,
                               data={**_person(child, "Кузьмина", "Лада", purpose="preschool_cabinet"),
                                     "consent_sequence": 1}), "identity.pd")
    _publish(world, CloudEvent(type="identity.person.updated.v1", source="/kabinet/identity", subject=child,
                               data=_person(child, "Кузьмина", "Лада")), "identity.pd")
    _wait_applied(world, before, 2)
    assert "Кузьмина" not in _every_stored_text(world) and not _listing(world, child)["named"]
