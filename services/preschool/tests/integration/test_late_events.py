"""Events about one entity carry its sequence and the cabinet applies only what is newer than
what it holds: a retried role.assigned delivered after identity revoked the role does not give
the educator the group back (issue 11, finding 6)."""
import uuid

from kombu import Connection, Exchange, Producer

from kabinet_kit.events import CloudEvent
from kabinet_kit.testing import admin_amqp_url


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
    assert world.client.get(children, headers=headers).status_code == 403
    _republish_late(world, CloudEvent(type="identity.role.assigned.v1", source="/kabinet/identity",
                                      subject=assignment, id=str(uuid.uuid4()), data={
                                          "assignment_id": assignment, "account_id": account["account_id"],
                                          "person_id": person, "role": "educator", "organisation_id": kg1,
                                          "group_id": sunshine, "sequence": 1}))
    assert world.client.get(children, headers=headers).status_code == 403
