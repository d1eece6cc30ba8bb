"""Access rules, each shown by changing an id: an educator reaches only the children of their
own group, a guardian only their own children, the department only aggregates. What the caller
may not reach answers 404, exactly like an id that does not exist (issue 11, Low 3); 403 is for
what the caller sees but may not do."""
import pytest

from kabinet_identity.seed import DEMO_PASSWORD


@pytest.fixture(scope="module")
def educator2(world):
    """An educator of «Звёздочки» (the other group of Kindergarten No.1), hired through identity."""
    kg1 = world.org("Детский сад № 1")
    person = world.idn("kg1-admin", "POST", "/people", json={
        "kind": "staff", "organisation_id": kg1, "last_name": "Котова", "first_name": "Ольга"}).json["person_id"]
    account = world.idn("kg1-admin", "POST", "/accounts", json={
        "person_id": person, "login": "educator2", "password": DEMO_PASSWORD,
        "roles": [{"role": "educator", "organisation_id": kg1, "group_id": world.group("Звёздочки")}]})
    assert account.status_code == 201, account.json
    world.sync()
    return "educator2"


def _child(world, group, login="educator1", index=0):
    return world.as_(login, "GET", f"/groups/{world.group(group)}/children").json["children"][index]["child_id"]


def test_an_educator_cannot_read_or_write_another_groups_child(world, rounds, educator2):
    sunshine_child = _child(world, "Солнышко")
    stars_child = _child(world, "Звёздочки", educator2)
    senior = world.indicators("senior", "speech")[0]
    assert world.as_(educator2, "GET", f"/groups/{world.group('Солнышко')}/children").status_code == 404
    assert world.as_(educator2, "GET", f"/children/{sunshine_child}/cabinet").status_code == 404
    assert world.as_(educator2, "GET", f"/children/{sunshine_child}/recommendations").status_code == 404
    write = world.save(educator2, "POST", "/observations", json={
        "child_id": sunshine_child, "round_id": rounds[1], "indicator_id": senior["id"], "level": 2})
    assert write.status_code == 404 and write.mimetype == "application/problem+json"
    card = world.save(educator2, "PUT", f"/children/{sunshine_child}/rounds/{rounds[1]}/cards/speech",
                     json={"observations": [{"indicator_id": senior["id"], "level": 2}]})
    assert card.status_code == 404
    assert world.as_(educator2, "POST", f"/children/{sunshine_child}/recommendations",
                     json={"text": "Читать вместе"}).status_code == 404
    # Their own group works, and educator1 cannot reach it in turn.
    assert world.as_(educator2, "GET", f"/children/{stars_child}/cabinet").status_code == 200
    assert world.as_("educator1", "GET", f"/children/{stars_child}/cabinet").status_code == 404
    # An unknown id looks exactly like a foreign one.
    assert world.as_("educator1", "GET", "/children/00000000-0000-4000-8000-000000000000/cabinet").status_code == 404


def test_the_kindergarten_administration_reads_but_does_not_record(world, rounds):
    child = _child(world, "Солнышко")
    assert world.as_("kg1-admin", "GET", f"/children/{child}/cabinet").status_code == 200
    ind = world.indicators("senior", "speech")[0]
    assert world.save("kg1-admin", "POST", "/observations", json={
        "child_id": child, "round_id": rounds[1], "indicator_id": ind["id"], "level": 2}).status_code == 403
    assert world.as_("school1-admin", "GET", f"/children/{child}/cabinet").status_code == 404


def test_a_guardian_sees_only_own_children(world, rounds):
    anna = world.children_of("guardian1")["Анна"]
    mine = world.as_("guardian1", "GET", "/me/children").json["items"]
    assert [c["child_id"] for c in mine] == [anna]  # Ivan is at school: not a preschool child
    # The gateway's home screen asks for every child: a school child has no recommendations here.
    ivan = world.children_of("guardian1")["Иван"]
    assert world.as_("guardian1", "GET", f"/children/{ivan}/recommendations").json["items"] == []
    assert world.as_("guardian1", "GET", f"/children/{ivan}/cabinet").status_code == 404
    assert world.as_("guardian2", "GET", f"/children/{ivan}/recommendations").status_code == 404
    assert mine[0]["display_name"] == "Воспитанник №1"
    other = _child(world, "Солнышко", index=1)
    assert other != anna
    assert world.as_("guardian1", "GET", f"/children/{other}/cabinet").status_code == 404
    assert world.as_("guardian1", "GET", f"/children/{other}/recommendations").status_code == 404
    assert world.as_("guardian2", "GET", f"/children/{anna}/cabinet").status_code == 404
    assert world.as_("guardian2", "GET", "/me/children").json["total"] == 0
    assert world.as_("guardian1", "GET", f"/groups/{world.group('Солнышко')}/children").status_code == 404
    ind = world.indicators("senior", "speech")[0]
    assert world.save("guardian1", "POST", "/observations", json={
        "child_id": anna, "round_id": rounds[1], "indicator_id": ind["id"], "level": 3}).status_code == 403


def test_the_department_sees_aggregates_only(world, rounds):
    child = _child(world, "Солнышко")
    for path in (f"/children/{child}/cabinet", f"/children/{child}/recommendations", f"/children/{child}/routes",
                 f"/groups/{world.group('Солнышко')}/children"):
        assert world.as_("department", "GET", path).status_code == 404, path
    year = world.year()
    assert world.as_("department", "GET", f"/statistics?academic_year_id={year}&round_number=1").status_code == 200
    # Group-level figures are not suppressed, so they are not the department's.
    assert world.as_("department", "GET", f"/statistics?academic_year_id={year}&round_number=1"
                                          f"&group_id={world.group('Солнышко')}").status_code == 404


def test_statistics_scopes_follow_the_role(world, rounds):
    year, kg1 = world.year(), world.org("Детский сад № 1")
    base = f"/statistics?academic_year_id={year}&round_number=1"
    assert world.as_("educator1", "GET", base).status_code == 403  # the city
    assert world.as_("educator1", "GET", f"{base}&organisation_id={kg1}").status_code == 403
    assert world.as_("educator1", "GET", f"{base}&group_id={world.group('Звёздочки')}").status_code == 404
    assert world.as_("kg1-admin", "GET", f"{base}&organisation_id={kg1}").status_code == 200
    assert world.as_("school1-admin", "GET", f"{base}&organisation_id={kg1}").status_code == 403
    assert world.as_("guardian1", "GET", f"{base}&organisation_id={kg1}").status_code == 403
    assert world.as_("kg1-admin", "GET", f"/control/completeness?academic_year_id={year}&round_number=1"
                                         f"").status_code == 403
    assert world.as_("educator1", "GET", f"/reports/analytical?round_id={rounds[1]}").status_code == 403


def test_no_token_or_a_forged_one_is_refused(world):
    assert world.client.get("/me/children").status_code == 401
    forged = world.client.get("/me/children", headers={"Authorization": "Bearer abc.def.ghi"})
    assert forged.status_code == 401 and forged.mimetype == "application/problem+json"


def test_a_guardian_with_two_kindergarten_children_sees_both_and_no_other(world):
    kg1 = world.org("Детский сад № 1")
    kids = {}
    for group, first in (("Солнышко", "Гоша"), ("Звёздочки", "Луша")):
        child = world.idn("kg1-admin", "POST", "/people", json={
            "kind": "child", "organisation_id": kg1, "last_name": "Двойкины", "first_name": first,
            "birth_date": "2020-04-04"}).json["person_id"]
        assert world.idn("kg1-admin", "POST", "/movements", json={
            "kind": "enrol", "child_id": child, "group_id": world.group(group), "order_number": "44-д",
            "order_date": "2026-10-06"}).status_code == 201
        kids[group] = child
    parent = world.idn("kg1-admin", "POST", "/people", json={
        "kind": "guardian", "organisation_id": kg1, "last_name": "Двойкин", "first_name": "Пётр"}).json["person_id"]
    for child in kids.values():
        assert world.idn("kg1-admin", "POST", f"/children/{child}/guardians",
                         json={"guardian_person_id": parent}).status_code == 201
    assert world.idn("kg1-admin", "POST", "/accounts", json={
        "person_id": parent, "login": "guardian-two-kids", "password": DEMO_PASSWORD}).status_code == 201
    world.sync()
    mine = world.as_("guardian-two-kids", "GET", "/me/children").json["items"]
    assert sorted(c["child_id"] for c in mine) == sorted(kids.values())
    assert {c["group_name"] for c in mine} == {"Солнышко", "Звёздочки"}
    assert all(not c["named"] and c["display_name"].startswith("Воспитанник №") for c in mine)
    for child in kids.values():
        assert world.as_("guardian-two-kids", "GET", f"/children/{child}/cabinet").status_code == 200
    anna = world.children_of("guardian1")["Анна"]
    assert world.as_("guardian-two-kids", "GET", f"/children/{anna}/cabinet").status_code == 404
