"""Events about one entity carry its sequence, and the journal's replicas apply only what is
newer than what they hold: a retried event that arrives after a later change of the same
consent or role assignment changes nothing (issue 11, finding 6)."""
import uuid

from kabinet_journal.models import Consent, RoleAssignment


def _send_late(feed, *events):
    """Publish (type, data, sequence) in this order, as a retry would deliver them, and wait."""
    ids = [feed.publish(type_, data, extra={"sequence": sequence}) for type_, data, sequence in events]
    feed.consumer.wait_for_ids(ids)


def test_a_consent_given_delivered_after_its_revocation_does_not_restore_the_diary(api, world, feed, school):
    """issue 11, finding 6: consent.given (sequence 1) retried and applied after consent.revoked
    (sequence 2) left the consent in force, and the guardian kept reading the diary."""
    maria = world.id("maria")
    given = world.consent("given", "maria")[1]
    _send_late(feed, ("identity.consent.revoked.v1", given, 2), ("identity.consent.given.v1", given, 1))
    assert api.count(Consent, Consent.child_id == maria) == 0
    api.problem("guardian3", "GET", f"/diary/{maria}", 403)
    # A consent given again later (the next in this child's e_diary order) is in force.
    _send_late(feed, ("identity.consent.given.v1", {**given, "consent_id": str(uuid.uuid4())}, 3))
    api.ok("guardian3", "GET", f"/diary/{maria}")


def test_a_role_assigned_delivered_after_its_revocation_does_not_restore_the_role(api, world, feed, school):
    """issue 11, finding 6: role.assigned retried and applied after role.revoked gave the
    tutor back the class they no longer teach."""
    grid = f"/loads/{school.maths_5a}/grid?term_id={school.terms[2]}"
    assert api.as_("tutor1", "GET", grid).status_code == 200
    assignment = world.id("assignment-tutor1-tutor")
    assigned = {"assignment_id": assignment, "account_id": world.account("tutor1"), "person_id": world.person("tutor1"),
                "role": "tutor", "organisation_id": world.id("school1"), "group_id": world.id("s1-5a")}
    _send_late(feed, ("identity.role.revoked.v1", {k: assigned[k] for k in ("assignment_id", "account_id", "role")}, 2),
               ("identity.role.assigned.v1", assigned, 1))
    assert api.count(RoleAssignment, RoleAssignment.id == assignment) == 0
    api.problem("tutor1", "GET", grid, 404)
