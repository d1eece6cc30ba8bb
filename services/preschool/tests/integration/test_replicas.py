"""A child enrolled in identity appears in the group here; names only under consent."""
from sqlalchemy import select

from kabinet_preschool import models as m


def test_a_child_enrolled_in_identity_appears_in_the_educators_group(world):
    sunshine = world.group("Солнышко")
    before = world.as_("educator1", "GET", f"/groups/{sunshine}/children").json["children"]
    kg1 = world.org("Детский сад № 1")
    child = world.idn("kg1-admin", "POST", "/people", json={
        "kind": "child", "organisation_id": kg1, "last_name": "Новикова", "first_name": "Ира",
        "birth_date": "2020-05-05"}).json["person_id"]
    enrol = world.idn("kg1-admin", "POST", "/movements", json={
        "kind": "enrol", "child_id": child, "group_id": sunshine, "order_number": "40-д",
        "order_date": "2026-10-01"})
    assert enrol.status_code == 201, enrol.json
    world.sync()
    after = world.as_("educator1", "GET", f"/groups/{sunshine}/children").json["children"]
    new = [c for c in after if c["child_id"] == child]
    # No consent: a pseudonym with the next number in the group, never the name.
    assert new == [{"child_id": child, "number": max(c["number"] for c in before) + 1,
                    "display_name": f"Воспитанник №{max(c['number'] for c in before) + 1}", "named": False}]
    with world.session() as s:
        assert s.get(m.ChildName, child) is None


def test_demo_group_shows_names_only_where_consent_is_in_force(world):
    listing = world.as_("educator1", "GET", f"/groups/{world.group('Солнышко')}/children").json["children"]
    anna = world.children_of("guardian1")["Анна"]
    shown = {c["child_id"]: c for c in listing}
    assert shown[anna]["display_name"] == "Воспитанник №1" and not shown[anna]["named"]
    named = {c["display_name"] for c in listing if c["named"]}
    assert {"Соколов Миша", "Тимофеева Вера", "Уткин Дима", "Фёдорова Лиза"} <= named
    assert not {"Хохлов Саша", "Цветкова Маша", "Петрова Анна"} & named
    with world.session() as s:
        stored = {n.last_name for n in s.scalars(select(m.ChildName))}
    assert "Хохлов" not in stored and "Петрова" not in stored and "Цветкова" not in stored


def test_a_removed_guardian_link_closes_the_cabinet(fresh_world):
    """Issue 11, finding 3: when the kindergarten removes a guardian's link in identity, the
    guardian no longer opens the child's cabinet."""
    world = fresh_world
    anna = world.children_of("guardian1")["Анна"]
    assert world.as_("guardian1", "GET", f"/children/{anna}/cabinet").status_code == 200
    guardian = world.idn("guardian1", "GET", "/me").json["person_id"]
    removed = world.idn("kg1-admin", "DELETE", f"/children/{anna}/guardians/{guardian}")
    assert removed.status_code == 204, removed.json
    world.sync()
    assert world.as_("guardian1", "GET", f"/children/{anna}/cabinet").status_code in (403, 404)
