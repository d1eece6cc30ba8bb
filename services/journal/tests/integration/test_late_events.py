"""Events about one entity carry its sequence, and the journal's replicas apply only what is
newer than what they hold: a retried event that arrives after a later change of the same
consent or role assignment changes nothing (issue 11, finding 6)."""
import uuid
from datetime import timedelta

from sqlalchemy import select

from kabinet_journal.models import Account, Consent, Guardianship, Membership, PersonName, RoleAssignment


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


def test_a_guardianship_created_delivered_after_its_removal_does_not_restore_the_link(api, world, feed, school):
    """issue 11, finding 6: guardianship.created (sequence 1) retried and applied after
    guardianship.removed (sequence 2) linked the guardian to the child again."""
    artem = world.id("artem")
    feed.send(*world.account_events("guardian-late", "guardian", [], last_name="Поздний"),
              world.consent("given", "artem"))
    link = {"guardianship_id": str(uuid.uuid4()), "guardian_person_id": world.person("guardian-late"),
            "child_id": artem}
    _send_late(feed, ("identity.guardianship.removed.v1", link, 2), ("identity.guardianship.created.v1", link, 1))
    assert api.count(Guardianship, Guardianship.id == link["guardianship_id"]) == 0
    api.problem("guardian-late", "GET", f"/diary/{artem}/summary", 404)
    # A new link made later (an entity of its own) is applied.
    again = {**link, "guardianship_id": str(uuid.uuid4())}
    _send_late(feed, ("identity.guardianship.created.v1", again, 1))
    api.ok("guardian-late", "GET", f"/diary/{artem}/summary")


def test_an_enrolment_delivered_after_the_transfer_leaves_the_newer_placement(api, world, feed, school):
    """issue 11, finding 6: child.enrolled (sequence 1) retried and applied after
    child.transferred (sequence 2) put the pupil back in the first class. The newer placement
    stays; the late one only fills in the history (the days before the transfer)."""
    feed.send(("identity.person.registered.v1", {"person_id": world.id("late-pupil"), "kind": "child",
                                                 "last_name": "Опоздалов", "first_name": "Пётр",
                                                 "middle_name": None}))
    enrolled_on, transferred_on = school.today - timedelta(days=30), school.today - timedelta(days=5)
    enrolled = world.movement("enrolled", "late-pupil", "school1", "s1-5a", enrolled_on)[1]
    transferred = {**world.movement("transferred", "late-pupil", "school1", "s1-5b", transferred_on)[1],
                   "from_organisation_id": world.id("school1"), "from_group_id": world.id("s1-5a")}
    _send_late(feed, ("identity.child.transferred.v1", transferred, 2), ("identity.child.enrolled.v1", enrolled, 1))
    with api.session() as s:
        stays = [(m.group_id, m.starts_on, m.ends_on) for m in s.scalars(
            select(Membership).where(Membership.child_id == world.id("late-pupil")).order_by(Membership.starts_on))]
    assert stays == [(world.id("s1-5a"), enrolled_on, transferred_on - timedelta(days=1)),
                     (world.id("s1-5b"), transferred_on, None)]


def test_an_account_created_delivered_after_its_deactivation_stays_deactivated(api, world, feed, school):
    """issue 11, finding 6: account.created (sequence 1) retried and applied after
    account.deactivated made the account active in the journal again. (The journal does not
    subscribe to account.activated, so that one cannot undo a deactivation here.)"""
    feed.send(*world.account_events("teacher-late", "staff", [("teacher", "school1", None)], last_name="Уволенный"))
    account, person = world.account("teacher-late"), world.person("teacher-late")
    api.ok("teacher-late", "GET", f"/subjects?organisation_id={world.id('school1')}")["items"]
    _send_late(feed,
               ("identity.account.deactivated.v1", {"account_id": account, "person_id": person,
                                                    "reason": "employment ended"}, 3),
               ("identity.account.created.v1", {"account_id": account, "person_id": person, "person_kind": "staff",
                                                "organisation_id": None}, 1))
    assert api.count(Account, Account.id == account, Account.active.is_(True)) == 0
    api.problem("teacher-late", "GET", f"/subjects?organisation_id={world.id('school1')}", 401)


def test_an_older_or_erased_persons_record_delivered_late_does_not_come_back(api, world, feed, school):
    """issue 11, finding 6: person.updated carrying an older version than the name held
    replaced it; a record delivered after the person's erasure brought the name back."""
    person = world.person("teacher3")
    record = {"person_id": person, "kind": "staff", "first_name": "Тест", "middle_name": None}
    _send_late(feed, ("identity.person.updated.v1", {**record, "last_name": "Новая"}, 3),
               ("identity.person.updated.v1", {**record, "last_name": "Старая"}, 2))
    with api.session() as s:
        assert s.get(PersonName, person).last_name == "Новая"
    erased = feed.publish("identity.person.erased.v1", {"person_id": person})
    feed.consumer.wait_for_ids([erased])
    _send_late(feed, ("identity.person.updated.v1", {**record, "last_name": "Новая"}, 3))
    assert api.count(PersonName, PersonName.person_id == person) == 0


def test_a_withdrawal_delivered_after_the_next_enrolment_leaves_the_pupil_enrolled(api, world, feed, school):
    """issue 11, finding 6: child.withdrawn (sequence 2) applied after the enrolment in another
    school (sequence 3) ended the new stay and erased the pupil's name. It only ends the stay
    of its own time."""
    pupil = world.id("returning-pupil")
    feed.send(("identity.person.registered.v1", {"person_id": pupil, "kind": "child", "last_name": "Вернувшийся",
                                                 "first_name": "Лев", "middle_name": None}))
    enrolled_on, withdrawn_on = school.today - timedelta(days=40), school.today - timedelta(days=20)
    again_on = school.today - timedelta(days=10)
    _send_late(feed, ("identity.child.enrolled.v1",
                      world.movement("enrolled", "returning-pupil", "school1", "s1-5a", enrolled_on)[1], 1),
               ("identity.child.enrolled.v1",
                world.movement("enrolled", "returning-pupil", "school2", "s2-5a", again_on)[1], 3),
               ("identity.child.withdrawn.v1",
                world.movement("withdrawn", "returning-pupil", "school1", None, withdrawn_on)[1], 2))
    with api.session() as s:
        stays = [(m.group_id, m.starts_on, m.ends_on) for m in s.scalars(
            select(Membership).where(Membership.child_id == pupil).order_by(Membership.starts_on))]
        assert s.get(PersonName, pupil) is not None
    assert stays == [(world.id("s1-5a"), enrolled_on, withdrawn_on - timedelta(days=1)),
                     (world.id("s2-5a"), again_on, None)]
