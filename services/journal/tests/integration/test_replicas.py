"""The journal's replicas of identity, from identity's events on the real broker: movements
place pupils in groups by date, a withdrawal erases the pupil's name (the marks stay, the
school's record), an erasure removes a name, guardians' names are never kept, staff lose the
journal the moment their employment or role ends."""
from datetime import timedelta

from kabinet_journal.models import Consent, Mark, Membership, PersonName


def test_transfer_moves_the_pupil_between_grids_by_date(api, world, feed, school):
    artem = world.id("artem")
    earlier = api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/lessons",
                     json={"date": (school.today - timedelta(days=2)).isoformat()})
    api.save_grid("teacher1", school.maths_5a, school.terms[2], body=
        {"marks": [{"lesson_id": earlier["id"], "child_id": artem, "value": 4}]})
    feed.send(("identity.child.transferred.v1", {**world.movement("enrolled", "artem", "school1", "s1-5b",
                                                                  school.today)[1],
                                                 "from_organisation_id": world.id("school1"),
                                                 "from_group_id": world.id("s1-5a")}))
    stays = api.count(Membership, Membership.child_id == artem)
    assert stays == 2
    today_5a = api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/lessons", json={"date": school.today.isoformat()})
    refused = api.save_grid("teacher1", school.maths_5a, school.terms[2], status=422, body={
        "marks": [{"lesson_id": today_5a["id"], "child_id": artem, "value": 5}]})
    assert "child_id" in refused["errors"]["marks"]["0"]
    today_5b = api.ok("teacher1", "POST", f"/loads/{school.maths_5b}/lessons", json={"date": school.today.isoformat()})
    api.save_grid("teacher1", school.maths_5b, school.terms[2], body=
        {"marks": [{"lesson_id": today_5b["id"], "child_id": artem, "value": 5}]})
    # Both grids of the term list him: 5А for the days he was there, 5Б from today.
    for load in (school.maths_5a, school.maths_5b):
        grid = api.ok("teacher1", "GET", f"/loads/{load}/grid?term_id={school.terms[2]}")
        assert artem in {p["child_id"] for p in grid["pupils"]}


def test_withdrawal_erases_the_name_and_keeps_the_marks(api, world, feed, school):
    maria = world.id("maria")
    lesson = api.ok("teacher1", "POST", f"/loads/{school.maths_5a}/lessons",
                    json={"date": (school.today - timedelta(days=3)).isoformat(), "period": 2})
    api.save_grid("teacher1", school.maths_5a, school.terms[2], body=
        {"marks": [{"lesson_id": lesson["id"], "child_id": maria, "value": 5}]})
    feed.send(("identity.child.withdrawn.v1", {**world.movement("withdrawn", "maria", "school1", None,
                                                                school.today)[1]}))
    assert api.count(PersonName, PersonName.person_id == maria) == 0
    assert api.count(Mark, Mark.child_id == maria) >= 1
    grid = api.ok("teacher1", "GET", f"/loads/{school.maths_5a}/grid?term_id={school.terms[2]}")
    row = next(p for p in grid["pupils"] if p["child_id"] == maria)
    assert row["last_name"] is None and row["marks"]
    # A later update of her record in identity brings no name back.
    feed.send(("identity.person.updated.v1", {"person_id": maria, "kind": "child", "last_name": "Александрова",
                                               "first_name": "Мария", "middle_name": None}))
    assert api.count(PersonName, PersonName.person_id == maria) == 0


def test_erasure_guardian_names_and_consents(api, world, feed, school):
    assert api.count(PersonName, PersonName.person_id == world.person("guardian1")) == 0
    assert api.count(PersonName, PersonName.person_id == world.person("teacher1")) == 1
    olga = world.id("olga")
    feed.send(("identity.person.erased.v1", {"person_id": olga}))
    assert api.count(PersonName, PersonName.person_id == olga) == 0
    assert api.count(Consent, Consent.child_id == olga) == 1
    feed.send(("identity.consent.expired.v1", {**world.consent("given", "olga")[1]}))
    assert api.count(Consent, Consent.child_id == olga) == 0
    api.problem("guardian2", "GET", f"/diary/{olga}", 403)


def test_an_erased_persons_name_never_comes_back(api, world, feed):
    """IDN-08: once erased, a late copy of an earlier record (a retry, a replay) is not applied."""
    teacher3 = world.person("teacher3")
    record = {"person_id": teacher3, "kind": "staff", "last_name": "Teacher3", "first_name": "Тест",
              "middle_name": None}
    assert api.count(PersonName, PersonName.person_id == teacher3) == 1
    feed.send(("identity.person.erased.v1", {"person_id": teacher3}))
    assert api.count(PersonName, PersonName.person_id == teacher3) == 0
    feed.send(("identity.person.registered.v1", record), ("identity.person.updated.v1", record),
              ("identity.person.disclosed.v1", {**record, "purpose": "e_diary"}))
    assert api.count(PersonName, PersonName.person_id == teacher3) == 0


def test_staff_lose_the_journal_when_role_or_employment_ends(api, world, feed, school):
    assert api.as_("tutor1", "GET", f"/loads/{school.maths_5a}/grid?term_id={school.terms[2]}").status_code == 200
    feed.send(("identity.role.revoked.v1", {"assignment_id": world.id("assignment-tutor1-tutor"),
                                            "account_id": world.account("tutor1"), "role": "tutor"}))
    api.problem("tutor1", "GET", f"/loads/{school.maths_5a}/grid?term_id={school.terms[2]}", 404)
    # The Russian load is still tutor1's own as a teacher.
    assert api.as_("tutor1", "GET", f"/loads/{school.russian_5a}/grid?term_id={school.terms[2]}").status_code == 200

    assert api.as_("teacher2", "GET", f"/loads/{school.maths_s2}/grid?term_id={school.s2_term}").status_code == 200
    feed.send(("identity.account.deactivated.v1", {"account_id": world.account("teacher2"),
                                                   "person_id": world.person("teacher2"),
                                                   "reason": "employment ended"}))
    api.problem("teacher2", "GET", f"/loads/{school.maths_s2}/grid?term_id={school.s2_term}", 401)


def test_a_removed_guardian_link_ends_the_guardians_diary(api, world, feed, school):
    """Issue 11, finding 3: when the institution removes a guardian's link to a child, the
    guardian no longer reads the child's diary."""
    i = world.id
    feed.send(*world.account_events("guardian4", "guardian", [], last_name="Борисов"))
    link = {"guardianship_id": i("g-artem"), "guardian_person_id": world.person("guardian4"), "child_id": i("artem")}
    feed.send(("identity.guardianship.created.v1", link), world.consent("given", "artem"))
    api.ok("guardian4", "GET", f"/diary/{i('artem')}")
    feed.send(("identity.guardianship.removed.v1", link))
    api.problem("guardian4", "GET", f"/diary/{i('artem')}", 404)
