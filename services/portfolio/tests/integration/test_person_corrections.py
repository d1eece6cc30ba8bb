"""Issue 12: a pupil's record corrected in identity (PATCH /people/{id}) shows in his Selfie
while the portfolio consent is in force; an older record delivered late does not undo it, and
nothing brings back the name of an erased pupil."""
import time
import uuid

from kombu import Connection, Exchange, Producer

from kabinet_kit.events import CloudEvent
from kabinet_kit.testing import admin_amqp_url
from kabinet_portfolio import models as m


def _deliver_late(w, type_, data):
    """The event comes back as a retry would bring it, straight onto identity.pd."""
    event = CloudEvent(type=type_, source="/kabinet/identity", subject=data["person_id"], id=str(uuid.uuid4()),
                       data=data)
    with Connection(admin_amqp_url(w.vhost)) as conn:
        Producer(conn.channel()).publish(event.to_json(), exchange=Exchange("identity.pd", type="topic"),
                                         routing_key=type_, content_type="application/cloudevents+json",
                                         delivery_mode=2)
    deadline = time.monotonic() + 15
    while event.id not in w.applied_ids():
        assert time.monotonic() < deadline, "the late event was not applied"
        time.sleep(0.05)


def _selfie_name(w, ivan):
    selfie = w.as_("pupil1", "GET", f"/pupils/{ivan}/selfie")
    assert selfie.status_code == 200, selfie.json
    return selfie.json["last_name"], selfie.json["first_name"]


def test_a_corrected_surname_shows_in_the_selfie_and_an_older_record_does_not_undo_it(fresh_world):
    w = fresh_world
    ivan = w.person_of("pupil1")
    assert _selfie_name(w, ivan) == ("Петров", "Иван")
    etag = w.idn("school1-admin", "GET", f"/people/{ivan}").headers["ETag"]  # the correction is made over it
    fixed = w.identity.open(f"/people/{ivan}", method="PATCH", json={"last_name": "Петров-Водкин"}, headers={
        "Authorization": f"Bearer {w.api.token('school1-admin')}", "If-Match": etag})
    assert fixed.status_code == 200, fixed.json
    w.sync()
    assert _selfie_name(w, ivan) == ("Петров-Водкин", "Иван")
    record = {"person_id": ivan, "kind": "child", "last_name": "Петров", "first_name": "Иван",
              "middle_name": "Сергеевич", "birth_date": "2015-03-14", "email": None, "phone": None}
    _deliver_late(w, "identity.person.registered.v1", {**record, "sequence": 1})
    assert _selfie_name(w, ivan) == ("Петров-Водкин", "Иван")
    # Erased, he stays forgotten: a record retried afterwards stores nothing.
    _deliver_late(w, "identity.person.erased.v1", {"person_id": ivan})
    _deliver_late(w, "identity.person.updated.v1", {**record, "sequence": 99})
    with w.session() as s:
        assert s.get(m.PupilName, ivan) is None
