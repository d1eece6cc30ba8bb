"""Events about one entity carry its sequence and the cabinet applies only what is newer than
what it holds: a retried role.assigned delivered after identity revoked the role does not give
the educator the group back (issue 11, finding 6)."""
import uuid

from kombu import Connection, Exchange, Producer
from sqlalchemy import select

from kabinet_kit.events import CloudEvent
from kabinet_kit.testing import admin_amqp_url
from kabinet_preschool import models as m


def _republish_late(world, event: CloudEvent) -> None:
    """The event comes back as a retry would bring it: same data, long after, once more."""
    before = world.processed()
    with Connection(admin_amqp_url(world.vhost)) as conn:
        Producer(conn.channel()).publish(event.to_json(), exchange=Exchange("identity.events", type="topic"),
                                         routing_key=event.type, content_type="application/cloudevents+json",
                                         delivery_mode=2)
    world.consumer.wait_for(lambda: world.processed() > before, what="the late event applied")


def test_a_role_assigned_delivered_after_its_revocation_does_not_restore_the_group(world):
    """issue 11, finding 6: role.assigned (sequence 1) applied after role.revoked (sequence 2)
    made the assignment active again in the cabinet."""
    kg1, sunshine = world.org("Детский сад № 1"), world.group("Солнышко")
    person = world.idn("kg1-admin", "POST", "/people", json={
        "kind": "staff", "organisation_id": kg1, "last_name": "Поздняя", "first_name": "Вера"}).json["person_id"]
    account = world.idn("kg1-admin", "POST", "/accounts", json={
        "person_id": person, "login": "late-educator", "password": "late-educator-pass-1",
        "roles": [{"role": "educator", "organisation_id": kg1, "group_id": sunshine}]}).json
    world.sync()
    children = f"/groups/{sunshine}/children"
    login = world.identity.post("/auth/token", json={"login": "late-educator", "password": "late-educator-pass-1"})
    headers = {"Authorization": f"Bearer {login.json['access_token']}"}
    assert world.client.get(children, headers=headers).status_code == 200
    assignment = account["roles"][0]["assignment_id"]
    revoked = world.idn("kg1-admin", "POST", f"/accounts/{account['account_id']}/roles/{assignment}/revoke")
    assert revoked.status_code in (200, 204), revoked.json
    world.sync()
    assert world.client.get(children, headers=headers).status_code == 404
    _republish_late(world, CloudEvent(type="identity.role.assigned.v1", source="/kabinet/identity",
                                      subject=assignment, id=str(uuid.uuid4()), data={
                                          "assignment_id": assignment, "account_id": account["account_id"],
                                          "person_id": person, "role": "educator", "organisation_id": kg1,
                                          "group_id": sunshine, "sequence": 1}))
    assert world.client.get(children, headers=headers).status_code == 404


def _deliver(world, *events: tuple[str, dict]) -> None:
    """Publish identity events in this order (as retries would bring them) and wait for all."""
    before = world.processed()
    with Connection(admin_amqp_url(world.vhost)) as conn:
        producer = Producer(conn.channel())
        for type_, data in events:
            event = CloudEvent(type=type_, source="/kabinet/identity",
                               subject=str(data.get("child_id") or data.get("person_id")),
                               id=str(uuid.uuid4()), data=data)
            exchange = "identity.pd" if type_.startswith("identity.person.") else "identity.events"
            producer.publish(event.to_json(), exchange=Exchange(exchange, type="topic"),
                             routing_key=type_, content_type="application/cloudevents+json", delivery_mode=2)
    world.consumer.wait_for(lambda: world.processed() >= before + len(events), what="the late events applied")


def _stars_children(world) -> list[str]:
    with world.session() as s:
        return list(s.scalars(select(m.Child.id).where(m.Child.group_id == world.group("Звёздочки"))
                              .order_by(m.Child.id)))


def _guardian1_sees(world) -> set[str]:
    response = world.as_("guardian1", "GET", "/me/children")
    assert response.status_code == 200, response.json
    return {c["child_id"] for c in response.json["items"]}


def test_a_guardianship_created_delivered_after_its_removal_does_not_restore_the_link(world):
    """issue 11, finding 6: guardianship.created (sequence 1) applied after guardianship.removed
    (sequence 2) of the same link gave the guardian the child back."""
    child = _stars_children(world)[0]
    guardian = world.idn("guardian1", "GET", "/me").json["person_id"]
    link = {"guardianship_id": str(uuid.uuid4()), "guardian_person_id": guardian, "child_id": child}
    _deliver(world, ("identity.guardianship.removed.v1", {**link, "sequence": 2}),
             ("identity.guardianship.created.v1", {**link, "sequence": 1}))
    assert child not in _guardian1_sees(world)


def test_a_late_removal_of_an_earlier_link_leaves_the_newer_link(world):
    """issue 11, finding 6: the link removed and made again (a new link); the removal of the
    first one, delivered after the second was created, must not take the second away."""
    child = _stars_children(world)[1]
    guardian = world.idn("guardian1", "GET", "/me").json["person_id"]
    first = {"guardianship_id": str(uuid.uuid4()), "guardian_person_id": guardian, "child_id": child}
    second = {**first, "guardianship_id": str(uuid.uuid4())}
    _deliver(world, ("identity.guardianship.created.v1", {**first, "sequence": 1}),
             ("identity.guardianship.created.v1", {**second, "sequence": 1}),
             ("identity.guardianship.removed.v1", {**first, "sequence": 2}))
    assert child in _guardian1_sees(world)
    _deliver(world, ("identity.guardianship.removed.v1", {**second, "sequence": 2}))
    assert child not in _guardian1_sees(world)


def test_an_enrolment_delivered_after_the_transfer_leaves_the_newer_placement(world):
    """issue 11, finding 6: child.enrolled (sequence 1) applied after child.transferred
    (sequence 2) put the child back in the first group."""
    kg1, sunshine, stars = world.org("Детский сад № 1"), world.group("Солнышко"), world.group("Звёздочки")
    child = str(uuid.uuid4())
    movement = {"movement_id": str(uuid.uuid4()), "child_id": child, "organisation_id": kg1,
                "from_organisation_id": None, "from_group_id": None, "order_number": "9-д",
                "order_date": "2026-09-01", "effective_on": "2026-09-01"}
    _deliver(world, ("identity.child.transferred.v1", {**movement, "group_id": stars, "from_organisation_id": kg1,
                                                       "from_group_id": sunshine, "effective_on": "2026-10-01",
                                                       "sequence": 2}),
             ("identity.child.enrolled.v1", {**movement, "group_id": sunshine, "sequence": 1}))
    with world.session() as s:
        placed = s.get(m.Child, child)
        assert placed is not None and placed.group_id == stars
    listed = world.as_("educator1", "GET", f"/groups/{sunshine}/children")
    assert child not in {c["child_id"] for c in listed.json["children"]}


def test_a_disclosure_delivered_after_the_erasure_does_not_bring_the_name_back(world):
    """issue 11, finding 6: the child's record, disclosed under a consent in force but delivered
    after identity erased the person, stored the erased name again."""
    kg1, sunshine = world.org("Детский сад № 1"), world.group("Солнышко")
    child = str(uuid.uuid4())
    _deliver(world, ("identity.child.enrolled.v1", {
        "movement_id": str(uuid.uuid4()), "child_id": child, "organisation_id": kg1, "group_id": sunshine,
        "from_organisation_id": None, "from_group_id": None, "order_number": "9-д", "order_date": "2026-09-01",
        "effective_on": "2026-09-01", "sequence": 1}),
             ("identity.consent.given.v1", {"consent_id": str(uuid.uuid4()), "child_id": child,
                                            "purpose": "preschool_cabinet", "registration_number": "ЛКД-1",
                                            "registration_date": "2026-09-02", "sequence": 1}),
             ("identity.person.erased.v1", {"person_id": child}))
    _deliver(world, ("identity.person.disclosed.v1", {
        "person_id": child, "kind": "child", "last_name": "Стёртая", "first_name": "Ая", "middle_name": None,
        "birth_date": None, "email": None, "phone": None, "purpose": "preschool_cabinet", "consent_sequence": 1,
        "sequence": 1}))
    with world.session() as s:
        assert s.get(m.ChildName, child) is None
